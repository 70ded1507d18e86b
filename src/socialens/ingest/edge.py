"""Edge processing, the same for every platform: normalise, scrub, extract, identify, pseudonymise.

After this step no raw user id, handle, e-mail address or phone number remains (unless raw
identifiers were kept on purpose), and each post carries its entities and language.
Interactions implied by posts (reply, repost, quote, mention) are derived by the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC

from socialens.ingest.attachments import scrub_media_url
from socialens.privacy import Pseudonymizer
from socialens.schema import Interaction, Post, Record, User
from socialens.text.extract import extract_emoji, extract_hashtags, extract_mentions, extract_urls, strip_urls
from socialens.text.langid import detect_language
from socialens.text.normalize import normalize_text
from socialens.text.scrub import scrub_contacts

# Repeated texts (retweets, copy-paste campaigns, bots) are common; language id is the most
# expensive edge step and deterministic, so its answers are remembered up to this many texts.
LANG_CACHE_SIZE = 50_000


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
    ) -> None:
        self.pseudonymizer = pseudonymizer
        self.paired_hashtags = paired_hashtags
        self.detect_lang = detect_lang
        self._langs: dict[str, str] = {}

    def __getstate__(self) -> dict[str, object]:
        # The caches stay behind: a worker process keeps its own (see ``chunks.resident``).
        return {
            "pseudonymizer": self.pseudonymizer,
            "paired_hashtags": self.paired_hashtags,
            "detect_lang": self.detect_lang,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(**state)  # type: ignore[misc,arg-type]

    def settings_key(self) -> tuple[object, ...]:
        """What decides this processor's output: two processors with equal keys are interchangeable."""
        pseudo = self.pseudonymizer
        return (pseudo.key, pseudo.keep_identifiers, self.paired_hashtags, self.detect_lang)

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
        text = scrub_contacts(normalize_text(post.text))
        if post.title:
            post.title = pseudo.mentions_in_text(platform, scrub_contacts(normalize_text(post.title)))
        if not post.urls:
            post.urls = extract_urls(text)
        if any("@" in url for url in post.urls):  # profile links name people: mastodon.social/@carol
            post.urls = [pseudo.mentions_in_text(platform, url) for url in post.urls]
        if post.media:  # a Bluesky CDN URL names its author's DID
            post.media = [scrub_media_url(pseudo, platform, url) for url in post.media]
        bare = strip_urls(text)
        if not post.hashtags:
            post.hashtags = extract_hashtags(bare, paired=self.paired_hashtags)
        else:
            post.hashtags = list(dict.fromkeys(t.lstrip("#").lower() for t in post.hashtags))
        mentions = post.mentions or extract_mentions(bare)
        post.mentions = [m for m in (pseudo.handle(platform, m) for m in mentions) if m]
        post.emoji = extract_emoji(text)
        post.text = pseudo.mentions_in_text(platform, text)
        post.author = pseudo.user(platform, post.author)
        if post.id.startswith("at://"):  # references that embed an account id
            post.id = pseudo.reference(platform, post.id) or post.id
            post.reply_to = pseudo.reference(platform, post.reply_to)
            post.repost_of = pseudo.reference(platform, post.repost_of)
            post.quote_of = pseudo.reference(platform, post.quote_of)
        if self.detect_lang and post.lang is None:
            post.lang = self.language(bare if not post.title else f"{post.title}\n{bare}")
        if post.created_at is not None and post.created_at.tzinfo is None:
            post.created_at = post.created_at.replace(tzinfo=UTC)
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
            user.name = None  # a display name identifies a person as well as a handle does
        user.id = pseudo.user(user.platform, user.id) or ""
        user.handle = pseudo.handle(user.platform, user.handle)
        if user.description:
            desc = scrub_contacts(normalize_text(user.description))
            user.description = pseudo.mentions_in_text(user.platform, desc)
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
