package ctsearch.opensearch;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * A highlight query with its multi-term queries (a prefix: {@code ارهاب*}) replaced by the words
 * of the field being marked that they match.
 *
 * <p>Given a multi-term query, the unified highlighter cannot use the offsets in the postings
 * (it would have to walk every term of the field for every hit), so it analyses every hit's text
 * again: the Arabic analysis of 20 bodies made «إرهاب* تمويل» 2.5 times as slow with marks as
 * without (2026-12-04). The terms a prefix matches in the field are the tokens that analysis
 * finds, with the same offsets; looked up once a search, they let the highlighter read the
 * postings as for any word. Past {@link #MAX_TERMS} terms (or Lucene's clause limit) the query is
 * left as it is, and analysed. Analysis stops at {@code max_analyzer_offset}; when a query was
 * expanded, {@link SegmentPostings} stops the marks there too.
 */
final class MultiTermExpansion {
  /**
   * The most terms a prefix is expanded to. {@link SegmentPostings} keeps each one's postings open
   * for the search, a few KB of buffers each.
   */
  static final int MAX_TERMS = 256;

  private MultiTermExpansion() {}

  /**
   * {@code query} with the multi-term queries on {@code fields} replaced by the terms of
   * {@code field} they match; {@code expanded[0]} is set when one was.
   */
  static Query expand(
      Query query, IndexReader reader, String field, Predicate<String> fields, boolean[] expanded)
      throws IOException {
    Query out =
        QueryTrees.map(query, leaf -> expanded(leaf, reader, field, fields, expanded), true);
    return out == null ? query : out; // only an empty compound drops out: nothing to expand
  }

  private static Query expanded(
      Query query, IndexReader reader, String field, Predicate<String> fields, boolean[] expanded)
      throws IOException {
    if (!(query instanceof MultiTermQuery) || !fields.test(((MultiTermQuery) query).getField())) {
      return query;
    }
    MultiTermQuery multi = (MultiTermQuery) query;
    Set<BytesRef> terms = matching(multi, reader, field);
    if (terms == null) {
      return query;
    }
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    for (BytesRef term : terms) {
      // Named for the query's own field, which the highlighter's field filter lets through as
      // it did the multi-term query; the bytes are looked up in the field being marked.
      any.add(new TermQuery(new Term(multi.getField(), term)), BooleanClause.Occur.SHOULD);
    }
    expanded[0] = true;
    return any.build();
  }

  /** The terms of {@code field} the query matches in every segment; null past the limit. */
  private static Set<BytesRef> matching(MultiTermQuery query, IndexReader reader, String field)
      throws IOException {
    int limit = Math.min(MAX_TERMS, IndexSearcher.getMaxClauseCount());
    Set<BytesRef> terms = new LinkedHashSet<>();
    for (LeafReaderContext leaf : reader.leaves()) {
      Terms index = leaf.reader().terms(field);
      if (index == null) {
        continue;
      }
      TermsEnum matches = query.getTermsEnum(index);
      for (BytesRef term = matches.next(); term != null; term = matches.next()) {
        if (terms.add(BytesRef.deepCopyOf(term)) && terms.size() > limit) {
          return null;
        }
      }
    }
    return terms;
  }
}
