"""Triple stores: where validated named graphs are loaded and queried."""
