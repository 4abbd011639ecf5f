from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key`` for dictionaries whose keys are not identifiers."""
    if not mapping:
        return None
    return mapping.get(key)
