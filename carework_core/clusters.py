"""Suggested clusters of similar examples, for the researchers who merge them into items.

TF-IDF weighs a word by how rare it is across the round's examples, so words everyone uses ("care",
"staff") count for little and two examples about rota apps meet even when worded differently;
agglomerative clustering with a distance threshold then finds as many groups as the texts hold,
without being told how many. These are suggestions: the team decides what becomes an item.
"""

from __future__ import annotations

# Cosine distance under which two examples (or groups of them) join one cluster (average linkage).
DISTANCE_THRESHOLD = 0.8


def suggest_clusters(texts: list[str], threshold: float = DISTANCE_THRESHOLD) -> list[int]:
    """Returns a cluster number (1, 2, ...) for each text; numbered in order of first appearance."""
    if len(texts) < 2:
        return [1] * len(texts)
    labels = _labels(texts, threshold)
    numbers: dict[int, int] = {}
    return [numbers.setdefault(label, len(numbers) + 1) for label in labels]


def _labels(texts: list[str], threshold: float) -> list[int]:
    # Imported here: scikit-learn takes a second to load and only the synthesis export needs it.
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2)).fit_transform(texts)
    except ValueError:  # nothing but stop words and punctuation: every text stands alone
        return list(range(len(texts)))
    model = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, metric="cosine", linkage="average")
    dense = vectors.toarray()
    # A text of stop words only has an empty vector, which has no cosine distance to anything.
    empty = ~dense.any(axis=1)
    if empty.any():
        return _with_loners(model, dense, empty)
    return [int(n) for n in model.fit_predict(dense)]


def _with_loners(model, dense, empty) -> list[int]:
    """Clusters the texts that have words; each text without any gets a cluster of its own."""
    labels = [-1] * len(dense)
    kept = [n for n, e in enumerate(empty) if not e]
    if len(kept) >= 2:
        for n, label in zip(kept, model.fit_predict(dense[kept]), strict=True):
            labels[n] = int(label)
    elif kept:
        labels[kept[0]] = 0
    top = max(labels) + 1
    for n, e in enumerate(empty):
        if e:
            labels[n], top = top, top + 1
    return labels
