"""Evaluate an analysis configuration on a list of search cases against a real engine.

A case is a 6-tuple (or NamedTuple) ``(id, query, kind, must_match, must_not_match, note)``
with ``kind`` ``"match"`` (match query, operator AND, on the stemmed field OR its exact
subfield) or ``"phrase"`` (match_phrase on the exact subfield). A case passes when every
``must_match`` text is found and no ``must_not_match`` text is.

    python -m bench.analysis_eval [--url http://127.0.0.1:9200] [--report FILE]

prints e.g. ``ours: 97% (59/61)  built-in arabic: 54% (33/61)`` and the failing cases.
"""

from __future__ import annotations

import argparse
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from articles.search.analysis import (
    BUILTIN_ANALYSIS,
    BUILTIN_ANALYZER,
    EXACT_ANALYZER,
    STEMMED_ANALYZER,
    analysis_settings,
)

INDEX_PREFIX = "ctsearch_dev_analysis_eval_"


@dataclass
class CaseResult:
    case_id: str
    kind: str
    query: str
    passed: bool
    missed: list[str] = field(default_factory=list)  # must_match texts not found
    wrongly_matched: list[str] = field(default_factory=list)  # must_not_match texts found
    note: str = ""


@dataclass
class EvalReport:
    label: str
    results: list[CaseResult]

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    def by_id(self) -> dict[str, CaseResult]:
        return {r.case_id: r for r in self.results}

    def summary(self) -> str:
        return f"{self.label}: {self.pass_rate:.0%} ({self.passed}/{self.total})"


def _unpack(case) -> tuple[str, str, str, Sequence[str], Sequence[str], str]:
    case_id, query, kind, must, must_not, note = case
    if kind not in ("match", "phrase"):
        raise ValueError(f"case {case_id}: unknown kind {kind!r}")
    return case_id, query, kind, list(must), list(must_not), note


def _query(kind: str, query: str, has_exact: bool) -> dict:
    if kind == "phrase":
        target = "text.exact" if has_exact else "text"
        return {"match_phrase": {target: query}}
    should = [{"match": {"text": {"query": query, "operator": "and"}}}]
    if has_exact:
        should.append({"match": {"text.exact": {"query": query, "operator": "and"}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def evaluate(
    client,
    analysis: dict,
    text_analyzer: str,
    exact_analyzer: str | None,
    cases: Iterable,
    *,
    label: str = "",
    index_prefix: str = INDEX_PREFIX,
) -> EvalReport:
    """Index every case's texts in a temporary index built with ``analysis`` and run the cases.

    ``text`` uses ``text_analyzer``; ``text.exact`` uses ``exact_analyzer`` (no subfield when
    None, phrases then run on ``text``). The index is deleted afterwards, also on errors.
    """
    cases = [_unpack(c) for c in cases]
    ids = [c[0] for c in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate case ids")
    index = f"{index_prefix}{uuid.uuid4().hex[:10]}"
    text_field: dict = {"type": "text", "analyzer": text_analyzer}
    if exact_analyzer:
        text_field["fields"] = {"exact": {"type": "text", "analyzer": exact_analyzer}}
    body = {
        "settings": {"number_of_shards": 1, "number_of_replicas": 0, "analysis": analysis},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "case": {"type": "keyword"},
                "n": {"type": "integer"},
                "text": text_field,
            },
        },
    }
    client.indices.create(index=index, body=body)
    try:
        lines: list[dict] = []
        for case_id, _q, _k, must, must_not, _n in cases:
            for n, text in enumerate([*must, *must_not]):
                lines.append({"index": {"_index": index, "_id": f"{case_id}:{n}"}})
                lines.append({"case": case_id, "n": n, "text": text})
        if lines:
            resp = client.bulk(body=lines, refresh=True)
            if resp.get("errors"):
                raise RuntimeError(f"bulk indexing failed: {resp['items'][:3]}")
        results = []
        for case_id, query, kind, must, must_not, note in cases:
            q = {
                "bool": {
                    "filter": [{"term": {"case": case_id}}],
                    "must": [_query(kind, query, bool(exact_analyzer))],
                }
            }
            resp = client.search(
                index=index,
                body={"query": q, "size": len(must) + len(must_not) + 1, "_source": ["n"]},
            )
            hits = {h["_source"]["n"] for h in resp["hits"]["hits"]}
            missed = [t for n, t in enumerate(must) if n not in hits]
            wrong = [t for n, t in enumerate(must_not, start=len(must)) if n in hits]
            results.append(
                CaseResult(case_id, kind, query, not missed and not wrong, missed, wrong, note)
            )
        return EvalReport(label or text_analyzer, results)
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)


def evaluate_ours(client, cases) -> EvalReport:
    return evaluate(
        client, analysis_settings(), STEMMED_ANALYZER, EXACT_ANALYZER, cases, label="ours"
    )


def evaluate_builtin(client, cases) -> EvalReport:
    return evaluate(
        client, BUILTIN_ANALYSIS, BUILTIN_ANALYZER, BUILTIN_ANALYZER, cases, label="built-in arabic"
    )


def comparison_table(ours: EvalReport, builtin: EvalReport) -> str:
    """Headline plus a per-case side-by-side table and the reasons of our failures."""
    lines = [f"{ours.summary()}  {builtin.summary()}", ""]
    b = builtin.by_id()
    width = max((len(r.case_id) for r in ours.results), default=4)
    lines.append(f"{'case':<{width}}  kind    ours  built-in")
    for r in ours.results:
        other = b.get(r.case_id)
        mark = "ok" if other and other.passed else "FAIL"
        lines.append(
            f"{r.case_id:<{width}}  {r.kind:<6}  {'ok' if r.passed else 'FAIL':<4}  {mark}"
        )
    if ours.failures:
        lines += ["", "our failures:"]
        for r in ours.failures:
            lines.append(f"- {r.case_id} «{r.query}» ({r.note})")
            lines += [f"    missed: {t}" for t in r.missed]
            lines += [f"    wrongly matched: {t}" for t in r.wrongly_matched]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    from opensearchpy import OpenSearch

    from tests.search.arabic_cases import CASES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("OPENSEARCH_URL", "http://127.0.0.1:59200"))
    parser.add_argument("--report", help="also write the table to this file")
    args = parser.parse_args(argv)
    client = OpenSearch(hosts=[args.url])
    table = comparison_table(evaluate_ours(client, CASES), evaluate_builtin(client, CASES))
    print(table, end="")
    if args.report:
        os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
        with open(args.report, "w", encoding="utf-8") as fh:
            fh.write(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
