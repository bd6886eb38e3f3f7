package ctsearch.opensearch;

import java.io.IOException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.highlight.Encoder;
import org.apache.lucene.search.uhighlight.CustomPassageFormatter;
import org.apache.lucene.search.uhighlight.CustomUnifiedHighlighter;
import org.apache.lucene.search.uhighlight.FieldOffsetStrategy;
import org.apache.lucene.search.uhighlight.NoOpOffsetStrategy;
import org.apache.lucene.search.uhighlight.Passage;
import org.apache.lucene.search.uhighlight.PassageFormatter;
import org.apache.lucene.search.uhighlight.PassageScorer;
import org.apache.lucene.search.uhighlight.PostingsOffsetStrategy;
import org.apache.lucene.search.uhighlight.Snippet;
import org.apache.lucene.search.uhighlight.UHComponents;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter.OffsetSource;
import org.apache.lucene.search.uhighlight.WholeBreakIterator;
import org.apache.lucene.util.BytesRef;
import org.opensearch.core.common.text.Text;
import org.opensearch.index.mapper.IdFieldMapper;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.search.fetch.FetchSubPhase;
import org.opensearch.search.fetch.subphase.highlight.FieldHighlightContext;
import org.opensearch.search.fetch.subphase.highlight.HighlightField;
import org.opensearch.search.fetch.subphase.highlight.HighlightUtils;
import org.opensearch.search.fetch.subphase.highlight.Highlighter;
import org.opensearch.search.fetch.subphase.highlight.SearchHighlightContext;
import org.opensearch.search.fetch.subphase.highlight.UnifiedHighlighter;

/**
 * The {@code unified} highlighter for a field marked whole ({@code number_of_fragments: 0}),
 * without two costs that the stock one pays for every hit and field to cut passages it never
 * cuts.
 *
 * <p>With {@code number_of_fragments: 0} the stock highlighter still treats the text as
 * passages: its break iterator walks the whole text twice, a character at a time through a
 * {@code CharacterIterator}, to find a value separator that a single-valued field never has,
 * and its passage scorer builds a hash of the matched terms (with a 32 KB block) to rank the one
 * passage there is. Here the text is one passage from the start ({@link WholeBreakIterator}),
 * and it is not scored. On 31,030 SaudiNewsNet articles (2026-12-04, the benchmark's query mix,
 * 20 hits with title and body marked) marking cost 2.16 ms a search on average with the stock
 * highlighter and 1.65 ms with this one; at p95, +27% and +13% over the search without marks.
 *
 * <p>Everything else is the stock highlighter's: the same offsets from the postings, the same
 * phrase and multi-term handling, the same formatter (HTML encoding, tags, trimming) and the same
 * opening of the text when nothing matched ({@code no_match_size}), so the marked text is the same
 * string (tests/search/test_whole_text_highlighter.py compares them), one fragment per value of a
 * multi-valued field as there. Passages ({@code number_of_fragments} > 0), fragments ordered by
 * score and derived fields are handed to the stock highlighter.
 *
 * <p>Registered as {@value #NAME} by {@link CtsearchPlugin}; ctsearch asks for it only from
 * nodes it starts itself (the {@code OPENSEARCH_HIGHLIGHTER} setting).
 */
public final class WholeTextHighlighter implements Highlighter {
  public static final String NAME = "ctsearch_whole";

  /** One passage, nothing to rank it against. */
  private static final PassageScorer UNSCORED =
      new PassageScorer() {
        @Override
        public float score(Passage passage, int contentLength) {
          return 1f;
        }
      };

  /** The stock highlighter, for its analyzer wrapper (re-analysis up to max_analyzer_offset). */
  private static final UnifiedHighlighter STOCK = new UnifiedHighlighter();

  @Override
  public boolean canHighlight(MappedFieldType fieldType) {
    return true;
  }

  @Override
  public HighlightField highlight(FieldHighlightContext context) throws IOException {
    SearchHighlightContext.FieldOptions options = context.field.fieldOptions();
    QueryShardContext shard = context.context.getQueryShardContext();
    if (options.numberOfFragments() != 0
        || Boolean.TRUE.equals(options.scoreOrdered())
        || shard.resolveDerivedFieldType(context.fieldName) != null) {
      // Passages, their order by score, a derived field's analyzer: the stock highlighter's.
      return STOCK.highlight(context);
    }
    @SuppressWarnings("unchecked")
    Map<String, Whole> cache =
        (Map<String, Whole>) context.cache.computeIfAbsent(NAME, key -> new HashMap<>());
    Whole highlighter = cache.get(context.fieldName);
    if (highlighter == null) {
      highlighter = build(context);
      cache.put(context.fieldName, highlighter);
    }
    Snippet[] snippets =
        highlighter.highlightField(
            context.hitContext.reader(), context.hitContext.docId(), () -> text(context));
    List<Text> fragments = new ArrayList<>(1);
    for (Snippet snippet : snippets == null ? new Snippet[0] : snippets) {
      if (snippet.getText() != null && !snippet.getText().isBlank()) {
        fragments.add(new Text(snippet.getText()));
      }
    }
    if (fragments.isEmpty()) {
      return null;
    }
    return new HighlightField(context.fieldName, fragments.toArray(new Text[0]));
  }

  /** The field's text as the stock highlighter reads it (values joined by its separator). */
  private static String text(FieldHighlightContext context) throws IOException {
    FetchSubPhase.HitContext hit = context.hitContext;
    List<Object> values =
        HighlightUtils.loadFieldValues(
            context.fieldType,
            context.context.getQueryShardContext(),
            hit,
            context.forceSource);
    if (values.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (Object value : values) {
      if (text.length() > 0) {
        text.append(CustomUnifiedHighlighter.MULTIVAL_SEP_CHAR);
      }
      text.append(
          value instanceof BytesRef
              ? context.fieldType.valueForDisplay(value).toString()
              : value.toString());
    }
    return text.toString();
  }

  private static Whole build(FieldHighlightContext context) throws IOException {
    SearchHighlightContext.FieldOptions options = context.field.fieldOptions();
    Encoder encoder =
        "html".equals(options.encoder())
            ? HighlightUtils.Encoders.HTML
            : HighlightUtils.Encoders.DEFAULT;
    Integer fieldMaxAnalyzedOffset = options.maxAnalyzerOffset();
    Analyzer analyzer = context.context.mapperService().documentMapper().mappers().indexAnalyzer();
    if (fieldMaxAnalyzedOffset != null) {
      analyzer = STOCK.getLimitedOffsetAnalyzer(analyzer, fieldMaxAnalyzedOffset);
    }
    Predicate<String> fieldMatcher = fieldMatcher(context);
    OffsetSource offsetSource = offsetSource(context.fieldType);
    PassageFormatter formatter =
        new CustomPassageFormatter(options.preTags()[0], options.postTags()[0], encoder);
    Query query = context.query;
    if (offsetSource == OffsetSource.POSTINGS && QueryTrees.understood(query)) {
      IndexReader reader = context.context.searcher().getIndexReader();
      boolean[] expanded = {false};
      query = MultiTermExpansion.expand(query, reader, context.fieldName, fieldMatcher, expanded);
      List<ExactPhrases.Phrase> phrases = new ArrayList<>();
      Query rest = ExactPhrases.extract(query, fieldMatcher, phrases);
      PENDING.set(new Pending(phrases, expanded[0] ? fieldMaxAnalyzedOffset : null));
      try {
        return new Whole(context, rest, analyzer, offsetSource, formatter, fieldMatcher);
      } catch (PhrasesNotFromPostings e) {
        // The rest of the query needs another offset source (a multi-term query past
        // MultiTermExpansion.MAX_TERMS is analysed): the stock code marks the phrases too.
      } finally {
        PENDING.remove();
      }
    }
    return new Whole(context, query, analyzer, offsetSource, formatter, fieldMatcher);
  }

  /** As the stock highlighter: offsets from the postings when the field has them. */
  private static OffsetSource offsetSource(MappedFieldType fieldType) {
    TextSearchInfo info = fieldType.getTextSearchInfo();
    if (info.hasOffsets()) {
      return info.termVectors() != TextSearchInfo.TermVector.NONE
          ? OffsetSource.POSTINGS_WITH_TERM_VECTORS
          : OffsetSource.POSTINGS;
    }
    if (info.termVectors() == TextSearchInfo.TermVector.OFFSETS) {
      return OffsetSource.TERM_VECTORS;
    }
    return OffsetSource.ANALYSIS;
  }

  /** As the stock highlighter: with require_field_match, only the field's own clauses mark. */
  private static Predicate<String> fieldMatcher(FieldHighlightContext context) {
    if (context.field.fieldOptions().requireFieldMatch()) {
      String name = context.fieldName;
      return name::equals;
    }
    return name -> !IdFieldMapper.NAME.equals(name);
  }

  /**
   * What {@link SegmentPostings} needs to know of the highlighter being built: the exact phrases
   * taken out of its query and where the marks stop (its offset strategy is made in the stock
   * constructor, before a field of ours could hold them).
   */
  private record Pending(List<ExactPhrases.Phrase> phrases, Integer maxStartOffset) {}

  private static final ThreadLocal<Pending> PENDING =
      ThreadLocal.withInitial(() -> new Pending(List.of(), null));

  /** Phrases were taken out of a query whose marks do not come from the postings after all. */
  private static final class PhrasesNotFromPostings extends RuntimeException {
    PhrasesNotFromPostings() {
      super(null, null, false, false);
    }
  }

  /**
   * The stock highlighter with a whole-text break iterator, no passage scoring and, when the
   * offsets come from the postings, {@link SegmentPostings}.
   */
  private static final class Whole extends CustomUnifiedHighlighter {
    Whole(
        FieldHighlightContext context,
        Query query,
        Analyzer analyzer,
        OffsetSource offsetSource,
        PassageFormatter formatter,
        Predicate<String> fieldMatcher)
        throws IOException {
      super(
          context.context.searcher(),
          analyzer,
          offsetSource,
          formatter,
          context.field.fieldOptions().boundaryScannerLocale(),
          (BreakIterator) new WholeBreakIterator(),
          context.context.getIndexName(),
          context.fieldName,
          query,
          context.field.fieldOptions().noMatchSize(),
          Integer.MAX_VALUE - 1,
          fieldMatcher,
          context.context.getIndexSettings().getHighlightMaxAnalyzedOffset(),
          context.field.fieldOptions().maxAnalyzerOffset());
    }

    @Override
    protected PassageScorer getScorer(String field) {
      return UNSCORED;
    }

    @Override
    protected FieldOffsetStrategy getOffsetStrategy(
        OffsetSource source, UHComponents components) {
      FieldOffsetStrategy strategy = super.getOffsetStrategy(source, components);
      Pending pending = PENDING.get();
      boolean onlyPhrases =
          strategy == NoOpOffsetStrategy.INSTANCE && !pending.phrases().isEmpty();
      if (strategy.getClass() == PostingsOffsetStrategy.class || onlyPhrases) {
        return new SegmentPostings(components, pending.phrases(), pending.maxStartOffset());
      }
      if (!pending.phrases().isEmpty() || pending.maxStartOffset() != null) {
        throw new PhrasesNotFromPostings();
      }
      return strategy;
    }
  }
}
