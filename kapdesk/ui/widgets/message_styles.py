"""The boxed message lines dialogs and panels show above their fields: red for what stopped an action, amber for
what to look at before going on."""

ERROR_BOX = "background: #fdecea; color: #8e1b1b; border: 1px solid #e0a3a3; border-radius: 4px; padding: 6px;"
WARNING_BOX = "background: #fff4e0; color: #6d4c00; border: 1px solid #e8c27a; border-radius: 4px; padding: 6px;"
