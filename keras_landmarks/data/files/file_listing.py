"""Finding image and video files in folders by their extension."""

from pathlib import Path


def find_files(folder, extensions, recursive=False):
    """Files in `folder` whose extension is one of `extensions` (any case).

    Args:
        folder: str or path-like, an existing folder.
        extensions: sequence of lower-case extensions with the dot (".jpg").
        recursive: bool, default False. Also look in subfolders.

    Returns:
        list of str paths, sorted (possibly empty).
    """
    pattern = "**/*" if recursive else "*"
    return sorted(
        str(p)
        for p in Path(folder).glob(pattern)
        if p.suffix.lower() in extensions and p.is_file()
    )


def list_files(folder, extensions, kind, recursive=False):
    """`find_files`, or a `ValueError` when there is nothing to read.

    Args:
        folder, extensions, recursive: as in `find_files`.
        kind: str, what the files are (`"image"`, `"video"`), for the messages.

    Raises:
        ValueError: the folder does not exist or holds no such file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(
            f"Expected a folder of {kind}s at {folder}; it does not exist."
        )
    paths = find_files(folder, extensions, recursive)
    if not paths:
        raise ValueError(
            f"Expected {kind} files ({', '.join(extensions)}) in {folder}; found none."
        )
    return paths
