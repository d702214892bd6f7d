"""The declarations pages, by area: the list and its entries, notices, declarations, spot checks
and the quarterly dispatch. ``urls.py`` names each view from its module."""
