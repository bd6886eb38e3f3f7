package ctsearch.opensearch;

import java.util.Map;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPlugin;
import org.opensearch.search.fetch.subphase.highlight.Highlighter;

/** What ctsearch adds to the nodes it starts: the whole-text highlighter. */
public final class CtsearchPlugin extends Plugin implements SearchPlugin {
  @Override
  public Map<String, Highlighter> getHighlighters() {
    return Map.of(WholeTextHighlighter.NAME, new WholeTextHighlighter());
  }
}
