"""Edge processing, the same for every platform: normalise, scrub, extract, identify, pseudonymise.

Text is repaired first (mojibake from a wrong encoding on the way, ``text.repair``).
After this step no raw user id, handle, display name, e-mail address or phone number remains
in any field, text or URL (unless raw identifiers were kept on purpose, or an account is public
on purpose), and each post carries its entities and language. ``docs/privacy.md`` lists what
each stored field holds.
Interactions implied by posts (reply, repost, quote, mention) are derived by the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC

from socialens.privacy import Pseudonymizer
from socialens.schema import Interaction, Post, Record, User
from socialens.text.extract import extract_emoji, extract_hashtags, extract_mentions, extract_urls, strip_urls
from socialens.text.langid import detect_language
from socialens.text.normalize import normalize_text
from socialens.text.repair import repair_text
from socialens.text.scrub import scrub_contacts

# Repeated texts (retweets, copy-paste campaigns, bots) are common; language id is the most
# expensive edge step and deterministic, so its answers are remembered up to this many texts.
LANG_CACHE_SIZE = 50_000
# Longer texts are cut to this many characters once processed (entities come from the whole
# text): far above any platform's limit (Reddit 40,000, X's long posts 25,000), so what it cuts
# is runaway data (a file glued into one field), which would otherwise bloat the store.
MAX_TEXT_CHARS = 100_000


class EdgeProcessor:
    """Applies edge processing to records from one importer.

    >>> edge = EdgeProcessor(Pseudonymizer(b"k"), detect_lang=False)
    >>> post = Post(id="1", platform="x", author="42", text="Mail a@b.com &amp; ping @Bob #Yes")
    >>> [type(r).__name__ for r in edge.process([post])]
    ['Post']
    >>> post.text.startswith("Mail [email] & ping @h_"), post.hashtags, post.author.startswith("u_")
    (True, ['yes'], True)
    """

    def __init__(
        self,
        pseudonymizer: Pseudonymizer,
        paired_hashtags: bool = False,
        detect_lang: bool = True,
        max_text_chars: int | None = MAX_TEXT_CHARS,
    ) -> None:
        self.pseudonymizer = pseudonymizer
        self.paired_hashtags = paired_hashtags
        self.detect_lang = detect_lang
        self.max_text_chars = max_text_chars
        #: Posts whose text was cut to ``max_text_chars`` (a running count, read per chunk).
        self.truncated = 0
        self._langs: dict[str, str] = {}

    def __getstate__(self) -> dict[str, object]:
        # The caches stay behind: a worker process keeps its own (see ``chunks.resident``).
        return {
            "pseudonymizer": self.pseudonymizer,
            "paired_hashtags": self.paired_hashtags,
            "detect_lang": self.detect_lang,
            "max_text_chars": self.max_text_chars,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(**state)  # type: ignore[misc,arg-type]

    def settings_key(self) -> tuple[object, ...]:
        """What decides this processor's output: two processors with equal keys are interchangeable."""
        pseudo = self.pseudonymizer
        flags = (self.paired_hashtags, self.detect_lang, self.max_text_chars)
        return (pseudo.key, pseudo.keep_identifiers, pseudo.public, *flags)

    def process(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            if isinstance(record, Post):
                yield self.post(record)
            elif isinstance(record, User):
                yield self.user(record)
            else:
                yield self.interaction(record)

    def post(self, post: Post) -> Post:
        platform = post.platform
        pseudo = self.pseudonymizer
        text = scrub_contacts(normalize_text(repair_text(post.text)))
        given = post.mentions  # the platform's own list: handles it knows are in the text
        if post.title:
            post.title = pseudo.text(platform, scrub_contacts(normalize_text(repair_text(post.title))), given)
        if not post.urls:
            post.urls = extract_urls(text)
        post.urls = [pseudo.url(url) for url in post.urls]  # profile and status links name people
        post.media = [pseudo.url(url) for url in post.media]  # so do CDN paths (Bluesky's hold the DID)
        bare = strip_urls(text)
        if not post.hashtags:
            post.hashtags = extract_hashtags(bare, paired=self.paired_hashtags)
        else:
            # the platform's own list: scrubbed like the text it comes from
            post.hashtags = list(dict.fromkeys(scrub_contacts(t.lstrip("#").lower()) for t in post.hashtags))
        mentions = given or extract_mentions(bare)
        post.mentions = [m for m in (pseudo.handle(platform, m) for m in mentions) if m]
        post.emoji = extract_emoji(text)
        post.text = pseudo.text(platform, text, given)
        post.author = pseudo.user(platform, post.author)
        # references that embed an account (Bluesky's at://<DID>/..., ActivityPub URLs)
        post.id = pseudo.reference(platform, post.id) or post.id
        post.reply_to = pseudo.reference(platform, post.reply_to)
        post.repost_of = pseudo.reference(platform, post.repost_of)
        post.quote_of = pseudo.reference(platform, post.quote_of)
        if self.detect_lang and post.lang is None:
            post.lang = self.language(bare if not post.title else f"{post.title}\n{bare}")
        if post.created_at is not None and post.created_at.tzinfo is None:
            post.created_at = post.created_at.replace(tzinfo=UTC)
        if self.max_text_chars is not None and len(post.text) > self.max_text_chars:
            post.text = post.text[: self.max_text_chars]
            self.truncated += 1
        return post

    def language(self, text: str) -> str:
        lang = self._langs.get(text)
        if lang is None:
            lang = detect_language(text)[0]
            if len(self._langs) >= LANG_CACHE_SIZE:
                self._langs.clear()
            self._langs[text] = lang
        return lang

    def user(self, user: User) -> User:
        pseudo = self.pseudonymizer
        if not pseudo.keep_identifiers:
            # A display name identifies a person as well as a handle does; a profile description
            # (employer, town, family, links) too, and no analysis reads it: both are dropped.
            user.name = None
            user.description = None
        user.id = pseudo.user(user.platform, user.id) or ""
        user.handle = pseudo.handle(user.platform, user.handle)
        if user.description:
            user.description = scrub_contacts(normalize_text(repair_text(user.description)))
        return user

    def interaction(self, interaction: Interaction) -> Interaction:
        pseudo = self.pseudonymizer
        interaction.actor = pseudo.user(interaction.platform, interaction.actor) or ""
        interaction.target_post = pseudo.reference(interaction.platform, interaction.target_post)
        target = interaction.target_user
        if target:
            # A mention names its target by handle; everything else by id.
            interaction.target_user = (
                pseudo.handle(interaction.platform, target[1:])
                if target.startswith("@")
                else pseudo.user(interaction.platform, target)
            )
        return interaction
