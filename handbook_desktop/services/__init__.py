"""Use cases over the store. Each takes a Database (or session), returns plain values, never imports Qt."""
