package ctsearch.opensearch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.uhighlight.OffsetsEnum;
import org.apache.lucene.search.uhighlight.PostingsOffsetStrategy;
import org.apache.lucene.search.uhighlight.UHComponents;
import org.apache.lucene.util.BytesRef;

/**
 * Offsets from the postings, each term looked up once a segment instead of once a hit, and the
 * exact phrases ({@link ExactPhrases}) matched in those postings.
 *
 * <p>The stock strategy seeks every term of the query in the segment's terms dictionary and
 * opens its postings again for every hit and field, the largest item of the highlighting time
 * left in a profile of the engine (2026-12-04). The fetch phase visits a search's hits in
 * document order, so the postings of the segment at hand are kept and moved forward from hit to
 * hit; a hit in another segment, or an earlier document, starts over. One instance serves one
 * field of one search.
 *
 * <p>A phrase matches as the stock highlighter's span query does: its terms in order, each after
 * the one before, the first position of each term after the previous one taken, and as many
 * positions between them in all as the phrase has gaps (a stop word left out of the index).
 * {@code maxStartOffset}, when set, stops the marks where the stock highlighter's re-analysis
 * would stop ({@link MultiTermExpansion}).
 */
final class SegmentPostings extends PostingsOffsetStrategy {
  private final List<ExactPhrases.Phrase> phrases;
  private final Integer maxStartOffset;
  private Object segment;
  private int lastDoc = -1;
  /** A term's postings in {@link #segment}; null when the segment does not have the term. */
  private final Map<BytesRef, PostingsEnum> postings = new HashMap<>();
  /** The same for the phrases' terms (a postings list is read once a document). */
  private final Map<BytesRef, PostingsEnum> phrasePostings = new HashMap<>();
  /** The field's terms dictionary in {@link #segment}, once a term is looked up. */
  private TermsEnum dictionary;

  SegmentPostings(
      UHComponents components, List<ExactPhrases.Phrase> phrases, Integer maxStartOffset) {
    super(components);
    this.phrases = phrases;
    this.maxStartOffset = maxStartOffset;
  }

  @Override
  public OffsetsEnum getOffsetsEnum(LeafReader reader, int docId, String content)
      throws IOException {
    IndexReader.CacheHelper helper = reader.getCoreCacheHelper();
    Object key = helper == null ? null : helper.getKey();
    if (key == null || key != segment || docId <= lastDoc) {
      postings.clear();
      phrasePostings.clear();
      dictionary = null;
    }
    segment = key;
    lastDoc = docId;
    OffsetsEnum offsets = super.getOffsetsEnum(reader, docId, content);
    return maxStartOffset == null ? offsets : new Until(offsets, maxStartOffset);
  }

  @Override
  protected OffsetsEnum createOffsetsEnumFromReader(LeafReader reader, int doc)
      throws IOException {
    OffsetsEnum rest = super.createOffsetsEnumFromReader(reader, doc);
    if (phrases.isEmpty()) {
      return rest;
    }
    Terms index = reader.terms(getField());
    return index == null ? rest : phraseMatches(index, doc, rest);
  }

  @Override
  protected void createOffsetsEnumsForTerms(
      BytesRef[] terms, Terms index, int doc, List<OffsetsEnum> results) throws IOException {
    for (BytesRef term : terms) {
      PostingsEnum positions = at(postingsOf(postings, index, term), doc);
      if (positions != null) {
        results.add(new OffsetsEnum.OfPostings(term, positions));
      }
    }
  }

  /** A term's postings in the segment, from {@code cache} or opened into it (null if absent). */
  private PostingsEnum postingsOf(Map<BytesRef, PostingsEnum> cache, Terms index, BytesRef term)
      throws IOException {
    if (cache.containsKey(term)) {
      return cache.get(term);
    }
    if (dictionary == null) {
      dictionary = index.iterator();
    }
    PostingsEnum positions = null;
    if (dictionary.seekExact(term)) {
      positions = dictionary.postings(null, PostingsEnum.OFFSETS);
      if (positions == null) {
        throw new IllegalArgumentException(
            "field '" + getField() + "' was indexed without offsets, cannot highlight");
      }
    }
    cache.put(term, positions);
    return positions;
  }

  /** The postings moved to {@code doc}, or null when the term is not in it. */
  private static PostingsEnum at(PostingsEnum positions, int doc) throws IOException {
    if (positions == null) {
      return null;
    }
    int at = positions.docID() < doc ? positions.advance(doc) : positions.docID();
    return at == doc ? positions : null;
  }

  /** {@code rest} with the terms of every exact phrase where the phrase matches in {@code doc}. */
  private OffsetsEnum phraseMatches(Terms index, int doc, OffsetsEnum rest) throws IOException {
    Map<BytesRef, Occurrences> inDoc = new HashMap<>();
    List<Match> matches = new ArrayList<>();
    for (ExactPhrases.Phrase phrase : phrases) {
      Occurrences[] terms = new Occurrences[phrase.terms().length];
      for (int i = 0; i < terms.length; i++) {
        BytesRef term = phrase.terms()[i];
        if (!inDoc.containsKey(term)) {
          PostingsEnum positions = at(postingsOf(phrasePostings, index, term), doc);
          inDoc.put(term, positions == null ? null : new Occurrences(term, positions));
        }
        terms[i] = inDoc.get(term);
        if (terms[i] == null) {
          break;
        }
      }
      if (terms[terms.length - 1] == null) {
        continue;
      }
      int[] relative = phrase.positions();
      int n = terms.length;
      // The stock highlighter's span query: in order, with the phrase's gaps as its slop.
      int slop = Math.max(0, relative[n - 1] - relative[0] - (n - 1));
      int[] at = new int[n];
      for (int k = 0; k < terms[0].positions.length; k++) {
        at[0] = k;
        int previous = terms[0].positions[k];
        int width = 0;
        boolean ordered = true;
        for (int i = 1; i < n && ordered; i++) {
          at[i] = terms[i].firstAfter(previous);
          ordered = at[i] >= 0;
          if (ordered) {
            width += terms[i].positions[at[i]] - previous - 1;
            previous = terms[i].positions[at[i]];
          }
        }
        if (!ordered) {
          break; // a later start cannot find what this one did not
        }
        if (width <= slop) {
          for (int i = 0; i < n; i++) {
            Occurrences term = terms[i];
            matches.add(new Match(term.starts[at[i]], term.ends[at[i]], term.term));
          }
        }
      }
    }
    if (matches.isEmpty()) {
      return rest;
    }
    matches.sort(Comparator.comparingInt(Match::start).thenComparingInt(Match::end));
    OffsetsEnum found = new Matches(matches);
    return rest == OffsetsEnum.EMPTY
        ? found
        : new OffsetsEnum.MultiOffsetsEnum(List.of(rest, found));
  }

  /** Where one term occurs in one document: positions in order, with their offsets. */
  private static final class Occurrences {
    final BytesRef term;
    final int[] positions;
    final int[] starts;
    final int[] ends;

    Occurrences(BytesRef term, PostingsEnum postings) throws IOException {
      this.term = term;
      int freq = postings.freq();
      positions = new int[freq];
      starts = new int[freq];
      ends = new int[freq];
      for (int i = 0; i < freq; i++) {
        positions[i] = postings.nextPosition();
        starts[i] = postings.startOffset();
        ends[i] = postings.endOffset();
      }
    }

    /** The index of the first position after {@code position}, or -1. */
    int firstAfter(int position) {
      int low = 0;
      int high = positions.length;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (positions[mid] <= position) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low < positions.length ? low : -1;
    }
  }

  private record Match(int start, int end, BytesRef term) {}

  /** Offsets up to a start offset, as the stock highlighter's analysis stops there. */
  private static final class Until extends OffsetsEnum {
    private final OffsetsEnum in;
    private final int maxStartOffset;

    Until(OffsetsEnum in, int maxStartOffset) {
      this.in = in;
      this.maxStartOffset = maxStartOffset;
    }

    @Override
    public boolean nextPosition() throws IOException {
      return in.nextPosition() && in.startOffset() <= maxStartOffset;
    }

    @Override
    public int freq() throws IOException {
      return in.freq();
    }

    @Override
    public BytesRef getTerm() throws IOException {
      return in.getTerm();
    }

    @Override
    public int startOffset() throws IOException {
      return in.startOffset();
    }

    @Override
    public int endOffset() throws IOException {
      return in.endOffset();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** The phrases' matched terms, in text order. */
  private static final class Matches extends OffsetsEnum {
    private final List<Match> matches;
    private int at = -1;

    Matches(List<Match> matches) {
      this.matches = matches;
    }

    @Override
    public boolean nextPosition() {
      return ++at < matches.size();
    }

    @Override
    public int freq() {
      return matches.size();
    }

    @Override
    public BytesRef getTerm() {
      return matches.get(at).term();
    }

    @Override
    public int startOffset() {
      return matches.get(at).start();
    }

    @Override
    public int endOffset() {
      return matches.get(at).end();
    }
  }
}
