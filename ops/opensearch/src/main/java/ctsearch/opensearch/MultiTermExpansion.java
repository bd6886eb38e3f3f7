package ctsearch.opensearch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * A highlight query with its multi-term queries (a prefix: {@code ارهاب*}) replaced by the terms
 * they match in the index, on the fields being marked.
 *
 * <p>Given a multi-term query, the unified highlighter cannot use the offsets in the postings
 * (it would have to walk every term of the field for every hit), so it analyses every hit's text
 * again: the Arabic analysis of 20 bodies made «إرهاب* تمويل» 2.5 times as slow with marks as
 * without (2026-12-04). The terms a prefix matches are the same tokens that analysis finds, with
 * the same offsets; looked up once a search, they let the highlighter read the postings like for
 * any word. Past {@link #MAX_TERMS} terms the query is left as it is (and analysed). One
 * difference: analysis stops at {@code max_analyzer_offset} characters (100,000 in ctsearch's
 * requests), the postings do not, so a prefix is also marked further into a longer text.
 */
final class MultiTermExpansion {
  /** As many terms as the fast vector highlighter expands a multi-term query to. */
  static final int MAX_TERMS = 1024;

  private MultiTermExpansion() {}

  static Query expand(Query query, IndexReader reader, Predicate<String> fields)
      throws IOException {
    if (query instanceof MultiTermQuery) {
      MultiTermQuery multi = (MultiTermQuery) query;
      if (!fields.test(multi.getField())) {
        return query;
      }
      Set<BytesRef> terms = matching(multi, reader);
      if (terms == null) {
        return query;
      }
      BooleanQuery.Builder any = new BooleanQuery.Builder();
      for (BytesRef term : terms) {
        any.add(new TermQuery(new Term(multi.getField(), term)), BooleanClause.Occur.SHOULD);
      }
      return any.build();
    }
    if (query instanceof BooleanQuery) {
      BooleanQuery bool = (BooleanQuery) query;
      BooleanQuery.Builder out = new BooleanQuery.Builder();
      out.setMinimumNumberShouldMatch(bool.getMinimumNumberShouldMatch());
      for (BooleanClause clause : bool.clauses()) {
        out.add(expand(clause.getQuery(), reader, fields), clause.getOccur());
      }
      return out.build();
    }
    if (query instanceof DisjunctionMaxQuery) {
      DisjunctionMaxQuery max = (DisjunctionMaxQuery) query;
      List<Query> disjuncts = new ArrayList<>();
      for (Query disjunct : max.getDisjuncts()) {
        disjuncts.add(expand(disjunct, reader, fields));
      }
      return new DisjunctionMaxQuery(disjuncts, max.getTieBreakerMultiplier());
    }
    if (query instanceof BoostQuery) {
      BoostQuery boost = (BoostQuery) query;
      return new BoostQuery(expand(boost.getQuery(), reader, fields), boost.getBoost());
    }
    if (query instanceof ConstantScoreQuery) {
      return new ConstantScoreQuery(
          expand(((ConstantScoreQuery) query).getQuery(), reader, fields));
    }
    return query;
  }

  /** The terms the query matches in every segment, or null past {@link #MAX_TERMS}. */
  private static Set<BytesRef> matching(MultiTermQuery query, IndexReader reader)
      throws IOException {
    Set<BytesRef> terms = new LinkedHashSet<>();
    for (LeafReaderContext leaf : reader.leaves()) {
      Terms index = leaf.reader().terms(query.getField());
      if (index == null) {
        continue;
      }
      TermsEnum matches = query.getTermsEnum(index);
      for (BytesRef term = matches.next(); term != null; term = matches.next()) {
        if (terms.add(BytesRef.deepCopyOf(term)) && terms.size() > MAX_TERMS) {
          return null;
        }
      }
    }
    return terms;
  }
}
