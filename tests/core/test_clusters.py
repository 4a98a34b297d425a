"""Suggested clusters: near-duplicates of a small fixed corpus land together, different ideas apart."""

from carework_core.items.clusters import suggest_clusters

CORPUS = [
    "A rota app that lets care workers swap shifts with each other",  # rota
    "Peer support circles after a hard shift",  # peer
    "Shift swapping through an app on the phone: workers swap rota slots",  # rota
    "Paying care workers for driving time between home visits",  # travel
    "Peer support groups where staff talk after difficult days",  # peer
    "Travel time paid between home care visits, and mileage too",  # travel
    "Counselling sessions for staff, free and booked without asking a manager",  # alone
]


def test_near_duplicates_share_a_cluster_and_different_ideas_do_not():
    labels = suggest_clusters(CORPUS)
    rota, peer, travel = {labels[0], labels[2]}, {labels[1], labels[4]}, {labels[3], labels[5]}
    assert len(rota) == len(peer) == len(travel) == 1
    assert len(rota | peer | travel | {labels[6]}) == 4


def test_clusters_are_numbered_from_one_in_order_of_first_appearance():
    assert suggest_clusters(CORPUS) == [1, 2, 1, 3, 2, 3, 4]


def test_the_same_text_typed_twice_is_one_cluster_and_odd_texts_stand_alone():
    assert suggest_clusters(["Rota apps", "Rota apps", "the and of", "?!", "Peer support"]) == [1, 1, 2, 3, 4]
    assert suggest_clusters(["only one"]) == [1] and suggest_clusters([]) == []
