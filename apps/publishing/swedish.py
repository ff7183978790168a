"""Swedish words for search where PostgreSQL's "swedish" text search configuration is not
there (the embedded SQLite database) and for highlighting on every database.

`stem` is the Snowball Swedish stemmer, the one PostgreSQL's configuration uses, so that
"behandlingar" and "behandling" meet in "behandling", "hjärtsvikten" and "hjärtsvikt" in
"hjärtsvik". It only ever removes letters from the end: a word always begins with its own
stem, which is what lets SQLite find it with a prefix match. `STOP_WORDS` is Snowball's
Swedish stop word list, PostgreSQL's too: words that say nothing about a text."""

VOWELS = frozenset("aeiouyäåö")


def _listed(text: str) -> list[str]:
    """Snowball's word lists, kept as it prints them: separated by spaces."""
    return text.split()


# Step 1a, longest first so that the first match in R1 is the longest.
_STEP1_SUFFIXES = sorted(
    _listed(
        "a arna erna heterna orna ad e ade ande arne are aste en anden aren heten ern ar er "
        "heter or as arnas ernas ornas es ades andes ens arens hetens erns at andet het ast"
    ),
    key=len,
    reverse=True,
)
_VALID_S_ENDINGS = frozenset("bcdfghjklmnoprtvy")
_STEP2_SUFFIXES = ("dd", "gd", "nn", "dt", "gt", "kt", "tt")

STOP_WORDS = frozenset(
    _listed(
        """
    och det att i en jag hon som han på den med var sig för så till är men ett om hade de
    av icke mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde
    något från ut när efter upp vi dem vara vad över än dig kan sina här ha mot alla under
    någon eller allt mycket sedan ju denna själv detta åt utan varit hur ingen mitt ni bli
    blev oss din dessa några deras blir mina samma vilken er sådan vår blivit dess inom
    mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt våra
    ert era vilkas
    """
    )
)


def _r1(word: str) -> int:
    """Where R1 begins: after the first non-vowel that follows a vowel, and at least at 3."""
    for i in range(1, len(word)):
        if word[i] not in VOWELS and word[i - 1] in VOWELS:
            return max(i + 1, 3)
    return len(word)


def stem(word: str) -> str:
    """The Snowball Swedish stem of one lower-cased word."""
    r1 = _r1(word)
    # Step 1: the longest inflectional ending in R1, or an s after a valid s-ending.
    for suffix in _STEP1_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= r1:
            word = word[: -len(suffix)]
            break
    else:
        if (
            word.endswith("s")
            and len(word) - 1 >= r1
            and len(word) >= 2
            and word[-2] in _VALID_S_ENDINGS
        ):
            word = word[:-1]
    # Step 2: a doubled or voiced consonant pair at the end loses its last letter.
    for suffix in _STEP2_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= r1:
            word = word[:-1]
            break
    # Step 3: derivational endings.
    for suffix, replacement in (("fullt", "full"), ("löst", "lös"), ("lig", ""), ("els", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= r1:
            word = word[: -len(suffix)] + replacement
            break
    else:
        if word.endswith("ig") and len(word) - 2 >= r1:
            word = word[:-2]
    return word
