package ctsearch.opensearch;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.BytesRef;

/**
 * The exact phrases (slop 0) of a highlight query on the fields being marked, taken out of it so
 * that {@link SegmentPostings} finds them in the postings it already reads.
 *
 * <p>For each phrase and each hit the stock highlighter rewrites the phrase to a span query,
 * builds its weight (every term looked up in the terms dictionary again) and walks its spans:
 * the three alias phrases of «داعش» were a third of that search's marking time (2026-12-04).
 * The terms of a phrase are marked where the phrase matches, each term on its own, as the stock
 * highlighter marks them (see {@link SegmentPostings}). Phrases with slop, and phrases with
 * several terms at one position ({@code MultiPhraseQuery}), stay in the query for the stock
 * highlighter. Only a query of {@link QueryTrees#understood} types is taken apart.
 */
final class ExactPhrases {
  /** One phrase: its terms and their positions relative to each other (gaps for stop words). */
  record Phrase(BytesRef[] terms, int[] positions) {}

  private ExactPhrases() {}

  /** The query without the phrases it adds to {@code into}. */
  static Query extract(Query query, Predicate<String> fields, List<Phrase> into)
      throws IOException {
    Query rest = QueryTrees.map(query, leaf -> taken(leaf, fields, into), false);
    return rest == null ? new BooleanQuery.Builder().build() : rest;
  }

  /** Null when {@code query} is an exact phrase on the fields, added to {@code into}. */
  private static Query taken(Query query, Predicate<String> fields, List<Phrase> into) {
    if (!(query instanceof PhraseQuery)) {
      return query;
    }
    PhraseQuery phrase = (PhraseQuery) query;
    if (phrase.getSlop() != 0 || phrase.getTerms().length == 0 || !fields.test(phrase.getField())) {
      return query;
    }
    Term[] terms = phrase.getTerms();
    BytesRef[] bytes = new BytesRef[terms.length];
    for (int i = 0; i < terms.length; i++) {
      bytes[i] = terms[i].bytes();
    }
    into.add(new Phrase(bytes, phrase.getPositions()));
    return null;
  }
}
