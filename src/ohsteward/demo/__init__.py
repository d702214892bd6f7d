"""Generated data: the register (synth), noisy source lists (sources), the declaration-expansion
demo (declarations), the matcher's ground-truth world (world) and the ``ohsteward demo`` command.

Nothing in the domain apps imports this package; it sits on top of them (see pyproject's
import-linter contract).
"""
