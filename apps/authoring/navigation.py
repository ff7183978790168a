from apps.accounts.navigation import NavItem, register_nav_item

from .permissions import may_edit_templates

register_nav_item(
    NavItem("supports", "Kunskapsstöd", "authoring:support_list", lambda u: u.is_authenticated, 10)
)
register_nav_item(NavItem("templates", "Mallar", "authoring:template_list", may_edit_templates, 70))
