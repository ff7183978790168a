from django import template

from apps.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Usage: ``{% load markdown_tags %}{{ text|markdown }}`` — sanitised HTML."""
    return render_markdown(text)
