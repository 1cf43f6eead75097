"""Simplified Chinese formats: Django's, with digits grouped by thousands.

Django's Chinese locale groups nothing (``10922``); government statistics and the
amounts OneWindow prints (``人民币740,910元``) group by thousands with a comma, as in
English, so the figures of both languages read alike.
"""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
