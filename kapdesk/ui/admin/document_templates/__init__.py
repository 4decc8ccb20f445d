"""The Admin area's document templates page: consent forms and handouts, edited with a live PDF preview."""

from kapdesk.ui.admin.document_templates.page import DocumentTemplatesPage

__all__ = ["DocumentTemplatesPage"]
