"""What the PyTorch fixture scripts share: tensors as JSON lists and writing a fixture file."""
import json
import os


def as_list(t):
    return t.detach().tolist()


def write_fixture(out, fixture):
    """Writes the fixture as indented JSON (creating its folder) and says where."""
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')
    print(f'wrote {os.path.relpath(out)}')
