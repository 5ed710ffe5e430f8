"""The README opens with the two set-up commands, and CI runs the second one."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_starts_with_serve_and_test_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1).strip().splitlines()
    assert len(first_block) == 2
    serve, test = first_block
    assert "pip install" in serve and serve.endswith("omnireel serve")
    assert test == "bash scripts/test.sh"
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
    script = (ROOT / "scripts" / "test.sh").read_text()
    assert "tesseract-ocr" in script and '.[test]' in script and "pytest" in script
