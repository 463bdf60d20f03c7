"""Presentation: display text and number formats, charts, narration, tables and the deck.

Renderers draw what the statistics computed; they compute nothing themselves.
"""
