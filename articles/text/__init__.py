"""Arabic text as every layer reads it: normalisation and proclitics (``arabic``, with its word
lists in ``arabic_lexicon``) and the date grammar (``dates``). No Django, no OpenSearch."""
