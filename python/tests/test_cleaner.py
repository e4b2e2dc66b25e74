"""The Python binding: types in and out, errors, batches, pickling. What the cleaning
does is the Rust library's and is tested there; these tests check that Python sees the
same results the CLI writes."""

import json
import os
import pickle
import threading

import pytest

import declutter
from conftest import FIXTURES, fixture, run_cli

FOUNDING = fixture("default", "founding-article.txt")
LIFEZETTE = fixture("lifezette", "founding-article.html")
LIFEZETTE_URL = (
    "https://www.lifezette.com/polizette/2017/03/kremlin-spokesman-clinton-associates-met-with-russian-ambassador/"
)


@pytest.fixture(scope="module")
def cleaner():
    return declutter.Cleaner()


def test_the_founding_article_cleans_to_the_article(cleaner):
    result = cleaner.clean(FOUNDING)
    assert result.ok and result.error is None
    assert result.text == fixture("default", "founding-article.expected.txt").decode()
    assert [r["rule"] for r in result.removals] == ["poll-consent", "poll-consent", "generic-shortcode"]
    assert "[the]" in result.text
    assert result.format == "text"
    assert result.page_type is None and result.page_type_confidence is None
    assert result.encoding == "UTF-8"


def test_str_bytes_and_bytearray_are_the_same_document(cleaner):
    a = cleaner.clean(FOUNDING)
    assert cleaner.clean(FOUNDING.decode()).to_dict() == a.to_dict()
    assert cleaner.clean(bytearray(FOUNDING)).to_dict() == a.to_dict()


def test_a_page_with_its_url_gets_its_publisher_rules(cleaner):
    result = cleaner.clean(LIFEZETTE, url=LIFEZETTE_URL)
    assert result.publisher == "LifeZette"
    assert result.url == LIFEZETTE_URL
    assert result.text == fixture("lifezette", "founding-article.expected.txt").decode()
    rules = [r["rule"] for r in result.removals if not r["rule"].startswith("builtin:")]
    assert rules == ["lz-poll-widget", "poll-consent", "lz-related-box"]
    assert result.encoding == "windows-1252"
    assert result.title
    assert result.metadata["title"] == result.title
    assert result.markdown.startswith("#") or result.markdown.strip()
    by_name = cleaner.clean(LIFEZETTE, publisher="lifezette")
    assert by_name.text == result.text


def test_every_removal_says_its_rule_category_text_and_origin(cleaner):
    result = cleaner.clean(LIFEZETTE, url=LIFEZETTE_URL)
    assert result.removals
    for r in result.removals:
        assert {"rule", "category", "text", "origin"} <= set(r)


def test_results_are_what_the_cli_writes(cleaner, cli):
    for data, args, kwargs in [
        (FOUNDING, [], {}),
        (LIFEZETTE, ["--url", LIFEZETTE_URL], {"url": LIFEZETTE_URL}),
        (fixture("page-types", "collection-curated-picks.html"), [], {}),
        (fixture("page-types", "documentation-nginx.html"), [], {}),
    ]:
        written = json.loads(run_cli(cli, ["clean", "--format", "json"] + args + ["-"], data))
        result = cleaner.clean(data, **kwargs)
        mine = result.to_dict()
        written.pop("source")
        assert mine == written
        assert json.loads(result.to_json()) == mine
        assert result.text == written["text"]
        assert result.removals == written["removals"]
        assert result.metadata == written["metadata"]
        if "page_type" in written:
            assert result.page_type == written["page_type"]["type"]
            assert result.page_type_confidence == written["page_type"]["confidence"]


def test_the_callers_encoding_wins(cleaner):
    data = fixture("encodings", "caller-label-latin9.txt")
    expected = fixture("encodings", "caller-label-latin9.expected.txt").decode()
    result = cleaner.clean(data, encoding="iso-8859-15")
    assert result.text == expected
    assert result.encoding == "ISO-8859-15"
    with pytest.raises(declutter.InputError, match="unknown encoding"):
        cleaner.clean(data, encoding="no-such-charset")


def test_format_says_how_to_read_the_input(cleaner):
    page = b"<p>A paragraph of the article, long enough to be one.</p>"
    assert cleaner.clean(page, format="text").text.startswith("<p>")
    assert cleaner.clean(page, format="html").format == "html"
    with pytest.raises(ValueError, match="format must be"):
        cleaner.clean(page, format="pdf")


def test_bad_input_raises_clear_errors(cleaner):
    with pytest.raises(TypeError, match="bytes or str, not int"):
        cleaner.clean(42)
    with pytest.raises(TypeError):
        cleaner.clean(None)
    with pytest.raises(declutter.InputError, match="binary"):
        cleaner.clean(b"\x00\x01\x02\x03" * 64)
    with pytest.raises(declutter.InputError, match="unknown publisher"):
        cleaner.clean(FOUNDING, publisher="nobody")
    assert issubclass(declutter.InputError, declutter.DeclutterError)
    assert issubclass(declutter.RulesError, declutter.DeclutterError)


def test_a_document_over_the_size_limit_is_refused():
    small = declutter.Cleaner(max_bytes=100)
    with pytest.raises(declutter.InputError, match="over the limit of 100 bytes"):
        small.clean(b"x" * 101)
    assert small.clean(b"x" * 100).text == "x" * 100 + "\n"
    unlimited = declutter.Cleaner(max_bytes=None)
    assert unlimited.clean(b"y" * 1000).ok


def test_options_reach_the_library():
    page = b"<html><body><article><h1>Title</h1><p>" + b"Words of the article, and more of them. " * 10 + b"</p><div class='share'>Share this</div></article><div><a href='/a'>Home About</a> <a href='/b'>Contact Shop</a></div></body></html>"
    whole = declutter.Cleaner(extract=False).clean(page)
    assert "Home About" in whole.text
    assert "Home About" not in declutter.Cleaner().clean(page).text
    assert declutter.Cleaner(page_types=False).clean(page).page_type is None
    with pytest.raises(ValueError, match="captions"):
        declutter.Cleaner(captions="maybe")


def write_rules(folder, text, name="default.toml"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_rules_folder_layers_over_the_builtin_rules(tmp_path):
    rules = write_rules(tmp_path / "rules", '[[rule]]\nid = "buy-now"\ncategory = "ad"\nblock = { equals = "buy now" }\n')
    cleaner = declutter.Cleaner(rules_dir=rules)
    result = cleaner.clean(b"The article.\n\nBuy now\n\nShare this article")
    assert result.text == "The article.\n"
    assert [r["rule"] for r in result.removals] == ["buy-now", "share-this"]
    alone = declutter.Cleaner(rules_dir=str(rules), builtin_rules=False)
    assert [r["rule"] for r in alone.clean(b"The article.\n\nBuy now\n\nShare this article").removals] == ["buy-now"]
    two = declutter.Cleaner(rules_dir=[rules, write_rules(tmp_path / "more", '[[rule]]\nid = "more"\ncategory = "ad"\nblock = { equals = "more" }\n')])
    assert two.clean(b"Text.\n\nmore\n\nbuy now").text == "Text.\n"


def test_a_broken_rules_folder_names_the_file_line_and_column(tmp_path):
    rules = write_rules(tmp_path / "rules", '[[rule]]\nid = "x"\ncategory = "adz"\nblock = { equals = "y" }\n')
    with pytest.raises(declutter.RulesError) as info:
        declutter.Cleaner(rules_dir=rules)
    assert "default.toml:3:" in str(info.value)
    (problem,) = info.value.errors
    assert problem["file"].endswith("default.toml")
    assert problem["line"] == 3 and problem["column"] >= 1
    assert "category" in problem["message"] or "adz" in problem["message"]
    with pytest.raises(declutter.RulesError, match="cannot read rules"):
        declutter.Cleaner(rules_dir=tmp_path / "missing")
    with pytest.raises(TypeError, match="rules_dir"):
        declutter.Cleaner(rules_dir=42)


def test_a_cleaner_pickles_with_its_rules_text(tmp_path):
    rules = write_rules(tmp_path / "rules", '[[rule]]\nid = "buy-now"\ncategory = "ad"\nblock = { equals = "buy now" }\n')
    cleaner = declutter.Cleaner(rules_dir=rules, captions="drop", max_bytes=5000)
    data = pickle.dumps(cleaner)
    (rules / "default.toml").unlink()
    rules.rmdir()
    again = pickle.loads(data)
    assert again.clean(b"The article.\n\nBuy now").text == "The article.\n"
    with pytest.raises(declutter.InputError):
        again.clean(b"z" * 5001)
    assert pickle.loads(pickle.dumps(declutter.Cleaner())).clean(FOUNDING).to_dict() == declutter.Cleaner().clean(FOUNDING).to_dict()


BREITBART = fixture("breitbart", "snopes-fact-checker.html")
TEST_LIST = os.path.join(os.path.dirname(FIXTURES), "tests", "filter-lists", "test-list.txt")


def test_filter_lists_remove_what_their_lines_say_and_travel_in_a_pickle(cli, tmp_path):
    url = "https://www.breitbart.com/tech/2016/12/22/x/"
    cleaner = declutter.Cleaner(filter_lists=TEST_LIST)
    result = cleaner.clean(BREITBART, url=url)
    listed = [r for r in result.removals if r.get("filter")]
    assert [(r["rule"], r["filter"]) for r in listed] == [
        (TEST_LIST + ":7", "breitbart.com##.entry-content > p:has-text(/^Facebook believe/)")
    ]
    assert "Facebook believe that Emery" not in result.text
    expected = json.loads(run_cli(cli, ["clean", "-", "--format", "json", "--url", url, "--filter-list", TEST_LIST], BREITBART))
    assert result.to_dict()["removals"] == expected["removals"]
    copy = tmp_path / "list.txt"
    copy.write_text("##.ad-wrapper\n")
    again = pickle.loads(pickle.dumps(declutter.Cleaner(filter_lists=[copy])))
    copy.unlink()
    assert any(r.get("filter") == "##.ad-wrapper" for r in again.clean(BREITBART, url="https://shop.example/a").removals)
    with pytest.raises(declutter.RulesError, match="missing.txt: cannot read the filter list"):
        declutter.Cleaner(filter_lists=tmp_path / "missing.txt")
    with pytest.raises(TypeError, match="filter_lists"):
        declutter.Cleaner(filter_lists=42)


def test_clean_many_keeps_input_order_and_every_row(cleaner):
    docs = []
    for i in range(300):
        docs.append(("Paragraph %d of the story, which goes on.\n\nShare this article" % i).encode())
    out = list(cleaner.clean_many(iter(docs), jobs=2))
    assert len(out) == 300
    assert [r.text for r in out] == ["Paragraph %d of the story, which goes on.\n" % i for i in range(300)]
    assert [r.to_dict() for r in cleaner.clean_many(docs, jobs=1)] == [r.to_dict() for r in out]


def test_clean_many_gives_an_error_value_for_a_bad_record(cleaner):
    small = declutter.Cleaner(max_bytes=1000)
    records = [
        FOUNDING.decode()[:900],
        {"html": LIFEZETTE, "url": LIFEZETTE_URL},
        42,
        {"url": "https://example.com/no-body"},
        None,
        b"\x00\x01\x02\x03" * 64,
        "x" * 1001,
        {"text": "Fine.", "publisher": "nobody"},
        {"text": "Plain.", "format": "text", "url": 7},
        {"content": "Also fine."},
    ]
    out = list(small.clean_many(records, jobs=2))
    assert len(out) == len(records)
    assert [r.ok for r in out] == [True, False, False, False, False, False, False, False, False, True]
    assert [r.kind for r in out if not r.ok] == ["size", "type", "type", "type", "input", "size", "publisher", "type"]
    assert out[3].url == "https://example.com/no-body"
    assert out[1].to_dict()["kind"] == "size" and json.loads(out[1].to_json())["error"]
    assert out[0].text.startswith("A spokesman")
    assert out[9].text == "Also fine.\n"


def test_clean_many_takes_records_with_urls(cleaner):
    (result,) = cleaner.clean_many([{"html": LIFEZETTE, "url": LIFEZETTE_URL}])
    assert result.publisher == "LifeZette"
    assert result.to_dict() == cleaner.clean(LIFEZETTE, url=LIFEZETTE_URL).to_dict()


def test_clean_many_is_lazy_and_propagates_the_iterables_own_errors(cleaner):
    def docs():
        yield b"First."
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="the source broke"):
        list(cleaner.clean_many(docs()))
    with pytest.raises(ValueError, match="jobs"):
        cleaner.clean_many([], jobs=0)
    assert list(cleaner.clean_many([])) == []


def test_threads_share_one_cleaner(cleaner):
    expected = cleaner.clean(LIFEZETTE, url=LIFEZETTE_URL).text
    seen = []

    def work():
        for _ in range(5):
            seen.append(cleaner.clean(LIFEZETTE, url=LIFEZETTE_URL).text)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [expected] * 20


def test_repr_and_version(cleaner):
    assert declutter.__version__
    assert "Cleaner(" in repr(cleaner)
    assert repr(cleaner.clean(FOUNDING)).startswith("Result(title=None")


def test_read_warc_gives_the_responses_the_cli_cleans(cleaner, cli):
    warc = os.path.join(FIXTURES, "spark", "pages.warc.gz")
    records = list(declutter.read_warc(warc))
    assert [r.get("status") for r in records] == [200] * 5
    assert records[0]["encoding"] == "text/html; charset=windows-1252" and records[0]["format"] == "html"
    assert isinstance(records[0]["html"], bytes)
    written = [json.loads(line) for line in run_cli(cli, ["clean", "--warc", warc, "--no-repeated-lines", "-q"], b"").splitlines()]
    for record, result, w in zip(records, cleaner.clean_many(records), written):
        assert record["url"] == w["url"]
        if w.get("error"):
            assert not result.ok and result.kind == "input"
        else:
            assert result.text == w["text"]
    with pytest.raises(declutter.InputError, match="nope.warc"):
        declutter.read_warc("nope.warc")
