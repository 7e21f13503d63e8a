"""The headless core: protocols, HTTP, settings, secrets and the session store (no Textual).

httpx imports its command-line tool when click, pygments and rich are installed (as they are
beside Textual): about 40% of its import time, and Rich loaded into the core. The placeholder
below makes that import fail, which httpx expects and handles; nothing here runs the tool.
"""

import sys
from types import ModuleType

sys.modules.setdefault("httpx._main", ModuleType("httpx._main"))
