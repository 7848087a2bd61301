from django.db import connections

def test_a(transactional_db, live_server, page):
    c = connections["default"]
    print("A has", hasattr(c, "_test_serialized_contents"), id(c))

def test_b(transactional_db, live_server, page):
    c = connections["default"]
    print("B has", hasattr(c, "_test_serialized_contents"), id(c))
