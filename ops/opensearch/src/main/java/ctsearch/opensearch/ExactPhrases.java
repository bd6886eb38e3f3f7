package ctsearch.opensearch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiPhraseQuery;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SynonymQuery;
import org.apache.lucene.search.TermQuery;
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
 * highlighter.
 *
 * <p>Only a query made of {@link #understood} types is taken apart: when a phrase is in the query,
 * the stock highlighter finds the other words through Lucene's {@code WeightedSpanTermExtractor},
 * which skips query types it does not know (OpenSearch's function score, say); without the phrase
 * it would find them all, and the marks would differ.
 */
final class ExactPhrases {
  /** One phrase: its terms and their positions relative to each other (gaps for stop words). */
  record Phrase(BytesRef[] terms, int[] positions) {}

  private ExactPhrases() {}

  /**
   * Whether the stock highlighter reads the same words from {@code query} with and without its
   * phrases: every clause is of a type both of its ways of reading a query know.
   */
  static boolean understood(Query query) {
    if (query instanceof BooleanQuery) {
      for (BooleanClause clause : ((BooleanQuery) query).clauses()) {
        // What must not match is never marked, by either way.
        if (clause.getOccur() != BooleanClause.Occur.MUST_NOT && !understood(clause.getQuery())) {
          return false;
        }
      }
      return true;
    }
    if (query instanceof DisjunctionMaxQuery) {
      for (Query disjunct : ((DisjunctionMaxQuery) query).getDisjuncts()) {
        if (!understood(disjunct)) {
          return false;
        }
      }
      return true;
    }
    if (query instanceof BoostQuery) {
      return understood(((BoostQuery) query).getQuery());
    }
    if (query instanceof ConstantScoreQuery) {
      return understood(((ConstantScoreQuery) query).getQuery());
    }
    return query instanceof TermQuery
        || query instanceof SynonymQuery
        || query instanceof PhraseQuery
        || query instanceof MultiPhraseQuery
        || query instanceof MultiTermQuery
        || query instanceof MatchAllDocsQuery
        || query instanceof MatchNoDocsQuery;
  }

  /** The query without the phrases it adds to {@code into}. */
  static Query extract(Query query, Predicate<String> fields, List<Phrase> into) {
    Query rest = without(query, fields, into);
    return rest == null ? new BooleanQuery.Builder().build() : rest;
  }

  private static Query without(Query query, Predicate<String> fields, List<Phrase> into) {
    if (query instanceof PhraseQuery) {
      PhraseQuery phrase = (PhraseQuery) query;
      if (phrase.getSlop() != 0
          || phrase.getTerms().length == 0
          || !fields.test(phrase.getField())) {
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
    if (query instanceof BooleanQuery) {
      BooleanQuery bool = (BooleanQuery) query;
      BooleanQuery.Builder out = new BooleanQuery.Builder();
      out.setMinimumNumberShouldMatch(bool.getMinimumNumberShouldMatch());
      boolean kept = false;
      for (BooleanClause clause : bool.clauses()) {
        // What must not match is never marked: leave those clauses as they are.
        Query sub =
            clause.getOccur() == BooleanClause.Occur.MUST_NOT
                ? clause.getQuery()
                : without(clause.getQuery(), fields, into);
        if (sub != null) {
          out.add(sub, clause.getOccur());
          kept = true;
        }
      }
      return kept ? out.build() : null;
    }
    if (query instanceof DisjunctionMaxQuery) {
      DisjunctionMaxQuery max = (DisjunctionMaxQuery) query;
      List<Query> disjuncts = new ArrayList<>();
      for (Query disjunct : max.getDisjuncts()) {
        Query sub = without(disjunct, fields, into);
        if (sub != null) {
          disjuncts.add(sub);
        }
      }
      return disjuncts.isEmpty()
          ? null
          : new DisjunctionMaxQuery(disjuncts, max.getTieBreakerMultiplier());
    }
    if (query instanceof BoostQuery) {
      BoostQuery boost = (BoostQuery) query;
      Query sub = without(boost.getQuery(), fields, into);
      return sub == null ? null : new BoostQuery(sub, boost.getBoost());
    }
    if (query instanceof ConstantScoreQuery) {
      Query sub = without(((ConstantScoreQuery) query).getQuery(), fields, into);
      return sub == null ? null : new ConstantScoreQuery(sub);
    }
    return query;
  }
}
