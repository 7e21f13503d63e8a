"""The chat screen, split along its seams: the screen (keys and layout), the conversation on it
(what is said, and the answers it begins), its sessions (store work in thread workers) and the
draft kept between runs."""

from tikhub_tui.ui.screens.chat.screen import ChatScreen

__all__ = ["ChatScreen"]
