"""The Admin area's protocols page: the clinic's protocol templates, edited as new versions."""

from kapdesk.ui.admin.protocols.page import ProtocolsPage

__all__ = ["ProtocolsPage"]
