"""Documents (stage 4): the HTML report, the Word report and the slides.

All three lay out one :mod:`.content`; :mod:`.report` (jinja2 templates, ``templates/``,
rendered in the bounded sandbox of :mod:`._sandbox`) and :mod:`.office` (Word and PowerPoint).
"""
