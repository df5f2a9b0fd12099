"""Documents (stage 4): the HTML report, the Word report and the slides.

All three lay out one :mod:`.content`; :mod:`.report` (jinja2 templates in a bounded
sandbox, ``templates/``) and :mod:`.office` (Word and PowerPoint).
"""
