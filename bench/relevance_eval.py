"""Judged relevance evaluation: ctsearch against OpenSearch's built-in ``arabic`` analyzer.

    .venv/bin/python bench/relevance_eval.py [--docs N] [--pool FILE]   (or ``make eval``)

The SaudiNewsNet articles (``/work/shared/corpora/saudinewsnet``, July–August 2015: every
``--every``-th article in file order, 1 in 5 by default, 6,206 articles spread over the whole
period; ``--every 1`` takes all 31,030) are indexed twice, once with ctsearch's mapping and
analysis (``articles.search.index.index_body``) and once with the same mapping where every text
field uses the built-in ``arabic`` analyzer. Each query of ``bench/eval/queries.tsv`` is compiled
by ctsearch's own compiler (``compile_text``: the query the search page sends, without
expansions or filters) and run on both indices, so the two columns differ by the analysis only.

Judgments (``bench/eval/judgments.tsv``: query id, article URL, grade 0/1/2) were made by
reading the title and the opening of every article in the pool (the top 20 of each system at
the time: the top 10 first, then the next 10, noted "pool 20"); an article nobody judged counts
as not relevant. Reports nDCG@10 (gain = grade) and MRR@10 (first article of grade ≥ 1) per
system, and the share of each top 10 that was judged (a low share means the figures are a lower
bound: ``--pool`` lists what is left to judge).

The indices (``ctsearch_bench_eval_*``, named after a hash of the mapping and the document
count) are kept between runs and rebuilt only when the analysis or N changes.
"""

from __future__ import annotations

import argparse
import copy
import csv
import glob
import hashlib
import json
import math
import os
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from articles.search.compiler import compile_text  # noqa: E402
from articles.search.index import index_body  # noqa: E402
from articles.search.request import SearchRequest  # noqa: E402

CORPUS = "/work/shared/corpora/saudinewsnet/*.zip"
EVAL_DIR = ROOT / "bench" / "eval"
PREFIX = "ctsearch_bench_eval_"
K = 10
#: Pool depth per system (``--pool``), as the issue asks: the top 20 of each.
POOL_DEPTH = 20
BATCH = 500


def load_articles(every: int) -> list[dict]:
    """Every ``every``-th article (file order), one per URL (the stable id judgments use)."""
    docs: list[dict] = []
    seen: set[str] = set()
    position = -1
    for path in sorted(glob.glob(CORPUS)):
        with zipfile.ZipFile(path) as z:
            for name in sorted(z.namelist()):
                for art in json.loads(z.read(name)):
                    position += 1
                    if position % every:
                        continue
                    url = art.get("url") or ""
                    if not url or url in seen:
                        continue
                    seen.add(url)
                    docs.append(
                        {
                            "id": len(docs) + 1,
                            "url": url,
                            "title": art.get("title") or "",
                            "body": art.get("content") or "",
                            "byline": art.get("author") or "",
                            "source": art.get("source") or "",
                        }
                    )
    return docs


def _body() -> dict:
    """ctsearch's index body on one shard, no replica (scores do not depend on the settings, and
    the script runs without Django's settings)."""
    return index_body(shards=1, replicas=0)


def builtin_body() -> dict:
    body = copy.deepcopy(_body())
    body["settings"].pop("analysis")
    for field in ("title", "body", "byline"):
        spec = body["mappings"]["properties"][field]
        spec["analyzer"] = "arabic"
        spec["fields"]["exact"]["analyzer"] = "arabic"
    return body


def _index_name(label: str, body: dict, n: int) -> str:
    digest = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()[:10]
    return f"{PREFIX}{label}_{n}_{digest}"


def ensure_index(client, label: str, body: dict, docs: list[dict]) -> str:
    name = _index_name(label, body, len(docs))
    if client.indices.exists(index=name):
        return name
    for old in client.indices.get(index=f"{PREFIX}{label}_*", ignore_unavailable=True):
        client.indices.delete(index=old, ignore_unavailable=True)
    client.indices.create(index=name, body=body)
    for i in range(0, len(docs), BATCH):
        lines: list[dict] = []
        for d in docs[i : i + BATCH]:
            lines.append({"index": {"_index": name, "_id": d["id"]}})
            lines.append({k: d[k] for k in ("id", "url", "title", "body", "byline", "source")})
        resp = client.bulk(body=lines, request_timeout=600)
        if resp.get("errors"):
            raise RuntimeError(f"{label}: bulk error {resp['items'][:1]}")
        print(f"  {label}: {min(i + BATCH, len(docs))}/{len(docs)}", flush=True)
    client.indices.refresh(index=name)
    return name


def read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    return rows


def load_queries() -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in read_tsv(EVAL_DIR / "queries.tsv")]


def load_judgments() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for qid, url, grade, *_ in read_tsv(EVAL_DIR / "judgments.tsv"):
        out.setdefault(qid, {})[url] = int(grade)
    return out


def run_query(client, index: str, query: str, size: int) -> list[dict]:
    body = {
        "query": compile_text(SearchRequest(q=query)),
        "size": size,
        "_source": ["url", "title", "body"],
        "sort": [{"_score": "desc"}, {"id": "asc"}],
    }
    return [h["_source"] for h in client.search(index=index, body=body)["hits"]["hits"]]


def ndcg(grades: list[int], ideal: list[int], k: int = K) -> float:
    def dcg(gs: list[int]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(gs[:k]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best else 0.0


def mrr(grades: list[int], k: int = K) -> float:
    return next((1 / (i + 1) for i, g in enumerate(grades[:k]) if g >= 1), 0.0)


def evaluate(client, systems: dict[str, str], queries, judgments) -> dict:
    per_query: dict[str, dict[str, dict]] = {}
    for qid, query in queries:
        judged = judgments.get(qid, {})
        per_query[qid] = {}
        for label, index in systems.items():
            urls = [h["url"] for h in run_query(client, index, query, K)]
            grades = [judged.get(u, 0) for u in urls]
            per_query[qid][label] = {
                "ndcg": ndcg(grades, list(judged.values())),
                "mrr": mrr(grades),
                "judged": sum(u in judged for u in urls) / len(urls) if urls else 1.0,
            }
    # A query without any relevant article in the collection cannot tell the systems apart
    # (both score 0): listed, left out of the means.
    scored = [q for q, _ in queries if any(g > 0 for g in judgments.get(q, {}).values())]
    summary = {
        label: {
            m: sum(per_query[q][label][m] for q in scored) / max(len(scored), 1)
            for m in ("ndcg", "mrr", "judged")
        }
        for label in systems
    }
    return {"per_query": per_query, "summary": summary, "scored": scored}


def write_pool(client, systems: dict[str, str], queries, judgments, path: Path, depth: int):
    """The unjudged articles of each query's pool (top ``depth`` of every system), to read."""
    with path.open("w", encoding="utf-8") as fh:
        for qid, query in queries:
            judged = judgments.get(qid, {})
            seen: set[str] = set()
            fh.write(f"## {qid}\t{query}\n")
            for index in systems.values():
                for h in run_query(client, index, query, depth):
                    if h["url"] in judged or h["url"] in seen:
                        continue
                    seen.add(h["url"])
                    lead = " ".join(h["body"].split())[:220]
                    fh.write(f"{qid}\t{h['url']}\t?\t{h['title']} || {lead}\n")


def report(result: dict, queries) -> str:
    labels = list(result["summary"])
    lines = [f"{'query':<6} " + " ".join(f"{lb + ' nDCG':>16} {'MRR':>5}" for lb in labels)]
    for qid, query in queries:
        row = result["per_query"][qid]
        cells = " ".join(f"{row[lb]['ndcg']:>16.3f} {row[lb]['mrr']:>5.2f}" for lb in labels)
        lines.append(f"{qid:<6} {cells}  {query}")
    lines.append("")
    left_out = [q for q, _ in queries if q not in result["scored"]]
    lines.append(
        f"{len(result['scored'])} queries scored; no relevant article judged for: "
        + (", ".join(left_out) or "none")
    )
    for lb in labels:
        s = result["summary"][lb]
        lines.append(
            f"{lb:<10} nDCG@10 {s['ndcg']:.3f}  MRR@10 {s['mrr']:.3f}  "
            f"judged share of the top 10 {s['judged']:.0%}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from opensearchpy import OpenSearch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=os.environ.get("OPENSEARCH_URL", "http://127.0.0.1:59200"))
    ap.add_argument("--every", type=int, default=int(os.environ.get("EVAL_EVERY", "5")))
    ap.add_argument("--pool", help="write the unjudged pool to this file instead of scoring")
    ap.add_argument("--depth", type=int, default=POOL_DEPTH, help="pool depth per system (--pool)")
    args = ap.parse_args(argv)

    client = OpenSearch(hosts=[args.url], timeout=120)
    docs = load_articles(args.every)
    print(f"{len(docs)} articles", flush=True)
    systems = {
        "ctsearch": ensure_index(client, "ours", _body(), docs),
        "builtin": ensure_index(client, "builtin", builtin_body(), docs),
    }
    queries = load_queries()
    judgments = load_judgments()
    if args.pool:
        write_pool(client, systems, queries, judgments, Path(args.pool), args.depth)
        print(f"pool written to {args.pool}")
        return 0
    result = evaluate(client, systems, queries, judgments)
    text = report(result, queries)
    print(text)
    out = ROOT / "var" / "reports" / "relevance_eval.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
