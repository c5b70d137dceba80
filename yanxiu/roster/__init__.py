"""The teacher roster as a spreadsheet: import (preview → commit) and export, on the engine."""
