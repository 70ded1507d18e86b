"""Every published component name, the class it names and the extra it needs (spaCy's ``registrations.py``).

Looking a name up imports nothing; ``socialens.registry.get(name)`` imports the one module
when the component is used. A new component adds its line here as well as its ``@register``
(``tests/test_registry.py`` fails until both agree). A published name never changes what it
does: a changed component gets ``.v2`` and a new line.
"""

from __future__ import annotations

from typing import NamedTuple


class Registration(NamedTuple):
    #: ``"module:Class"``
    target: str
    #: The optional-dependency group (``pip install 'socialens[EXTRA]'``) the component needs;
    #: ``None`` for the core install.
    extra: str | None = None


_ANALYSES = "socialens.analyses"

COMPONENTS: dict[str, Registration] = {
    # Importers: core.
    "ingest.bluesky.v1": Registration("socialens.ingest.bluesky:BlueskyImporter"),
    "ingest.csv.v1": Registration("socialens.ingest.generic:CsvImporter"),
    "ingest.jsonl.v1": Registration("socialens.ingest.generic:JsonlImporter"),
    "ingest.mastodon.v1": Registration("socialens.ingest.mastodon:MastodonImporter"),
    "ingest.parquet.v1": Registration("socialens.ingest.generic:ParquetImporter"),
    "ingest.reddit.v1": Registration("socialens.ingest.reddit:RedditImporter"),
    "ingest.twitter_archive.v1": Registration("socialens.ingest.twitter_archive:TwitterArchiveImporter"),
    "ingest.twitter_v1.v1": Registration("socialens.ingest.twitter_v1:TwitterV1Importer"),
    "ingest.twitter_v2.v1": Registration("socialens.ingest.twitter_v2:TwitterV2Importer"),
    "ingest.weibo.v1": Registration("socialens.ingest.weibo:WeiboImporter"),
    "ingest.x_graphql.v1": Registration("socialens.ingest.x_graphql:XGraphqlImporter"),
    # Streaming detectors and time series: core.
    "alerts.NegativeSurge.v1": Registration(f"{_ANALYSES}.alerts.detectors:NegativeSurge"),
    "alerts.NewTopic.v1": Registration(f"{_ANALYSES}.alerts.detectors:NewTopic"),
    "alerts.TermBurst.v1": Registration(f"{_ANALYSES}.alerts.detectors:TermBurst"),
    "alerts.VolumeSpike.v1": Registration(f"{_ANALYSES}.alerts.detectors:VolumeSpike"),
    "trends.Kleinberg.v1": Registration(f"{_ANALYSES}.trends.burst:KleinbergBursts"),
    "trends.SeasonalRate.v1": Registration(f"{_ANALYSES}.trends.baseline:SeasonalRate"),
    "influence.InfluenceRanker.v1": Registration(f"{_ANALYSES}.influence.ranking:InfluenceRanker"),
    # Graphs.
    "communities.Leiden.v1": Registration(f"{_ANALYSES}.communities.detect:Leiden", "graph"),
    "communities.Louvain.v1": Registration(f"{_ANALYSES}.communities.detect:Louvain", "graph"),
    "models.Node2Vec.v1": Registration("socialens.models.node2vec:Node2Vec", "ml"),
    # Text classifiers and scorers.
    "sentiment.bigru_attention.v1": Registration(f"{_ANALYSES}.sentiment.bigru:BiGRUSentiment", "ml"),
    "sentiment.bigru_ensemble.v1": Registration(f"{_ANALYSES}.sentiment.bigru_ensemble:BiGRUEnsembleSentiment", "ml"),
    "sentiment.blend.v1": Registration(f"{_ANALYSES}.sentiment.blend:BlendSentiment", "ml"),
    "sentiment.e5_finetuned.v1": Registration(f"{_ANALYSES}.sentiment.e5_finetuned:E5FineTunedSentiment", "ml"),
    "sentiment.e5_head.v1": Registration(f"{_ANALYSES}.sentiment.e5head:E5HeadSentiment", "ml"),
    "sentiment.hownet_lexicon.v1": Registration(f"{_ANALYSES}.sentiment.baselines:ChineseLexiconSentiment", "ml"),
    "sentiment.minilm_finetuned.v1": Registration(f"{_ANALYSES}.sentiment.finetuned:FineTunedMiniLMSentiment", "ml"),
    "sentiment.tfidf_lr.v1": Registration(f"{_ANALYSES}.sentiment.baselines:TfidfLogisticRegression", "ml"),
    "sentiment.vader.v1": Registration(f"{_ANALYSES}.sentiment.baselines:VaderSentiment", "ml"),
    "emotion.BiGRU.v1": Registration(f"{_ANALYSES}.emotion.bigru:BiGRUEmotion", "ml"),
    "emotion.Lexicon.v1": Registration(f"{_ANALYSES}.emotion.weak_labels:LexiconEmotion", "ml"),
    "emotion.Stacked.v1": Registration(f"{_ANALYSES}.emotion.stacked:StackedEmotion", "ml"),
    "offensive.hatesonar.v1": Registration(f"{_ANALYSES}.offensive.hatesonar:HateSonarOffensive", "ml"),
    # Behaviour, accounts, engagement.
    "ctr.dcnv2.v1": Registration(f"{_ANALYSES}.ctr.models:DCNv2Ctr", "ml"),
    "ctr.deepfm.v1": Registration(f"{_ANALYSES}.ctr.models:DeepFMCtr", "ml"),
    "ctr.din.v1": Registration(f"{_ANALYSES}.ctr.models:DINCtr", "ml"),
    "ctr.logistic.v1": Registration(f"{_ANALYSES}.ctr.models:LogisticCtr", "ml"),
    "engagement.gbdt.v1": Registration(f"{_ANALYSES}.engagement.model:EngagementRegressor", "ml"),
    "segments.KMeansSegments.v1": Registration(f"{_ANALYSES}.segments.cluster:KMeansSegments", "ml"),
    "sequence.NextItem.v1": Registration(f"{_ANALYSES}.sequence.recommender:NextItemRecommender", "ml"),
    "suspicious.BehaviourScore.v1": Registration(f"{_ANALYSES}.suspicious.score:BehaviourScore", "ml"),
    "suspicious.BotClassifier.v1": Registration(f"{_ANALYSES}.suspicious.score:BotClassifier", "ml"),
    # Images: tagging, text in images, duplicate and visual clusters, NSFW score.
    "images.EfficientNetLite0.v1": Registration(f"{_ANALYSES}.images.tagger:ImageTagger", "images"),
    "images.NudeNet.v1": Registration(f"{_ANALYSES}.images.nsfw:NsfwScorer", "images"),
    "images.PHashClusters.v1": Registration(f"{_ANALYSES}.images.clusters:DuplicateClusters", "images"),
    "images.RapidOCR.v1": Registration(f"{_ANALYSES}.images.ocr:TextReader", "images"),
    "images.VisualKMeans.v1": Registration(f"{_ANALYSES}.images.clusters:VisualClusters", "images"),
    # Topics: embedders, reducers, clusterers, representations and the model that joins them.
    "topics.AutoKMeans.v1": Registration(f"{_ANALYSES}.topics.clusterers:AutoKMeansClusterer", "topics"),
    "topics.CTfidf.v1": Registration(f"{_ANALYSES}.topics.representation:CTfidf", "topics"),
    "topics.CoherentCTfidf.v1": Registration(f"{_ANALYSES}.topics.representation:CoherentCTfidf", "topics"),
    "topics.DistinctCTfidf.v1": Registration(f"{_ANALYSES}.topics.representation:DistinctCTfidf", "topics"),
    "topics.E5.v1": Registration(f"{_ANALYSES}.topics.embedders:E5Embedder", "topics"),
    "topics.HDBSCAN.v1": Registration(f"{_ANALYSES}.topics.clusterers:HDBSCANClusterer", "topics"),
    "topics.KMeans.v1": Registration(f"{_ANALYSES}.topics.clusterers:KMeansClusterer", "topics"),
    "topics.MiniLM.v1": Registration(f"{_ANALYSES}.topics.embedders:MiniLMEmbedder", "topics"),
    "topics.PCA.v1": Registration(f"{_ANALYSES}.topics.reducers:PCAReducer", "topics"),
    "topics.TfidfSVD.v1": Registration(f"{_ANALYSES}.topics.embedders:TfidfSvdEmbedder", "topics"),
    "topics.Topics.v1": Registration(f"{_ANALYSES}.topics.model:Topics", "topics"),
    "topics.WordLlama.v1": Registration(f"{_ANALYSES}.topics.embedders:WordLlamaEmbedder", "topics"),
}
