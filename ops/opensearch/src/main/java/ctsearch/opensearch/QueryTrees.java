package ctsearch.opensearch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

/**
 * A highlight query's tree: the compound queries ctsearch_whole looks through (boolean,
 * disjunction max, boost, constant score) around the leaves it rewrites ({@link ExactPhrases},
 * {@link MultiTermExpansion}).
 */
final class QueryTrees {
  /** A leaf's replacement, or null to drop it. */
  interface Leaf {
    Query apply(Query leaf) throws IOException;
  }

  private QueryTrees() {}

  /**
   * {@code query} with every leaf replaced by {@code leaf}'s answer, or null when nothing is left.
   * A compound left without clauses is dropped too. The clauses of what must not match are never
   * marked; {@code intoProhibited} says whether to rewrite them all the same.
   */
  static Query map(Query query, Leaf leaf, boolean intoProhibited) throws IOException {
    if (query instanceof BooleanQuery) {
      BooleanQuery bool = (BooleanQuery) query;
      BooleanQuery.Builder out = new BooleanQuery.Builder();
      out.setMinimumNumberShouldMatch(bool.getMinimumNumberShouldMatch());
      boolean kept = false;
      for (BooleanClause clause : bool.clauses()) {
        Query sub =
            clause.getOccur() == BooleanClause.Occur.MUST_NOT && !intoProhibited
                ? clause.getQuery()
                : map(clause.getQuery(), leaf, intoProhibited);
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
        Query sub = map(disjunct, leaf, intoProhibited);
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
      Query sub = map(boost.getQuery(), leaf, intoProhibited);
      return sub == null ? null : new BoostQuery(sub, boost.getBoost());
    }
    if (query instanceof ConstantScoreQuery) {
      Query sub = map(((ConstantScoreQuery) query).getQuery(), leaf, intoProhibited);
      return sub == null ? null : new ConstantScoreQuery(sub);
    }
    return leaf.apply(query);
  }

  /**
   * Whether the stock highlighter reads the same words from {@code query} with and without its
   * phrases: every clause is of a type both of its ways of reading a query know (with a phrase,
   * Lucene's {@code WeightedSpanTermExtractor}, which skips types it does not know, OpenSearch's
   * function score say; without, a query visitor, which sees them all).
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
}
