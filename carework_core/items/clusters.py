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
    # Imported here: scikit-learn takes two seconds to load and only the synthesis export needs it.
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2)).fit_transform(texts)
    except ValueError:  # nothing but stop words and punctuation: every text stands alone
        return list(range(len(texts)))
    # Rows are unit length, so one sparse product gives every cosine similarity: an n x n matrix rather
    # than n dense rows as wide as the vocabulary. A text of stop words only is at distance 1 from all.
    distances = 1.0 - (vectors @ vectors.T).toarray()
    np.fill_diagonal(distances, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=threshold, metric="precomputed", linkage="average"
    )
    return [int(n) for n in model.fit_predict(np.clip(distances, 0.0, 1.0))]
