"""A list page's ETag names what the page shows; If-None-Match is compared weakly."""

from ticketing.shared.conditional import matches, page_etag

PAGE = [("t-1", 3), ("t-2", 0)]


def test_the_tag_moves_with_an_entry_its_version_its_order_and_the_next_cursor() -> None:
    tag = page_etag(PAGE, "c-1")
    assert tag == page_etag(list(PAGE), "c-1")  # the same page, the same tag
    assert tag.startswith('"')  # a strong entity tag, quoted
    assert tag.endswith('"')
    others = [
        page_etag([("t-1", 4), ("t-2", 0)], "c-1"),  # an entry changed
        page_etag(PAGE[::-1], "c-1"),  # another order
        page_etag(PAGE[:1], "c-1"),  # one fewer
        page_etag(PAGE, "c-2"),
        page_etag(PAGE, None),  # the last page
        page_etag([("t-1", 32), ("t-", 0)], "c-1"),  # no run-together of id and version
    ]
    assert len({tag, *others}) == len(others) + 1


def test_if_none_match_names_the_tag_in_a_list_weakly_or_by_star() -> None:
    tag = page_etag(PAGE)
    assert matches(tag, tag)
    assert matches(f'"other", W/{tag}', tag)
    assert matches("*", tag)
    assert not matches(None, tag)
    assert not matches('"other"', tag)
    assert not matches(tag.strip('"'), tag)  # unquoted is another tag
