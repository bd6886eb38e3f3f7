"""Enrichment: the facets researchers filter by, made from the text at ingest, with evidence.

The tagger (pure Python, no Django) is ``tagger.tag`` over a compiled ``matcher.Gazetteer``;
its steps are ``tokens``, ``document``, ``names``, ``cues`` / ``venues``, ``topics`` and
``event_dates``, its result types ``tags``, its input records ``entries``, and curators'
decisions on top ``overrides``. Near-duplicate story clustering is ``dedup`` (pure). The
database side: ``gazetteer`` (the curated tables compiled for the tagger, alias expansion for
search), ``starter`` (the shipped starter gazetteer), ``stored`` (tags of stored articles,
re-tagging) and ``stories`` (story ids of stored articles).
"""
