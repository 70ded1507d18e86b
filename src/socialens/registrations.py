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
    #: ``"slow"``: loading or fitting it even on the conformance suite's few inputs takes tens of
    #: seconds or more (a transformer, an OCR model, numba kernels): its conformance checks carry
    #: the ``slow`` marker, so they run in CI and not in ``scripts/test --fast``.
    tags: tuple[str, ...] = ()


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
    "alerts.negative_surge.v1": Registration(f"{_ANALYSES}.alerts.detectors:NegativeSurge"),
    "alerts.new_topic.v1": Registration(f"{_ANALYSES}.alerts.detectors:NewTopic"),
    "alerts.term_burst.v1": Registration(f"{_ANALYSES}.alerts.detectors:TermBurst"),
    "alerts.volume_spike.v1": Registration(f"{_ANALYSES}.alerts.detectors:VolumeSpike"),
    "trends.kleinberg.v1": Registration(f"{_ANALYSES}.trends.burst:KleinbergBursts"),
    "trends.seasonal_rate.v1": Registration(f"{_ANALYSES}.trends.baseline:SeasonalRate"),
    "influence.influence_ranker.v1": Registration(f"{_ANALYSES}.influence.ranking:InfluenceRanker"),
    # Graphs.
    "communities.leiden.v1": Registration(f"{_ANALYSES}.communities.detect:Leiden", "graph"),
    "communities.louvain.v1": Registration(f"{_ANALYSES}.communities.detect:Louvain", "graph"),
    "models.node2vec.v1": Registration("socialens.models.node2vec:Node2Vec", "ml"),
    # Text classifiers and scorers.
    "sentiment.bigru_attention.v1": Registration(f"{_ANALYSES}.sentiment.bigru:BiGRUSentiment", "ml"),
    "sentiment.bigru_ensemble.v1": Registration(f"{_ANALYSES}.sentiment.bigru_ensemble:BiGRUEnsembleSentiment", "ml"),
    "sentiment.blend.v1": Registration(f"{_ANALYSES}.sentiment.blend:BlendSentiment", "ml"),
    "sentiment.e5_finetuned.v1": Registration(
        f"{_ANALYSES}.sentiment.e5_finetuned:E5FineTunedSentiment", "ml", ("slow",)
    ),
    "sentiment.e5_head.v1": Registration(f"{_ANALYSES}.sentiment.e5head:E5HeadSentiment", "ml"),
    "sentiment.hownet_lexicon.v1": Registration(f"{_ANALYSES}.sentiment.baselines:ChineseLexiconSentiment", "ml"),
    "sentiment.minilm_finetuned.v1": Registration(
        f"{_ANALYSES}.sentiment.finetuned:FineTunedMiniLMSentiment", "ml", ("slow",)
    ),
    "sentiment.minilm_onnx.v1": Registration(f"{_ANALYSES}.sentiment.onnx_minilm:OnnxMiniLMSentiment", "ml"),
    "sentiment.tfidf_lr.v1": Registration(f"{_ANALYSES}.sentiment.baselines:TfidfLogisticRegression", "ml"),
    "sentiment.vader.v1": Registration(f"{_ANALYSES}.sentiment.baselines:VaderSentiment", "ml"),
    "emotion.bigru.v1": Registration(f"{_ANALYSES}.emotion.bigru:BiGRUEmotion", "ml"),
    "emotion.lexicon.v1": Registration(f"{_ANALYSES}.emotion.weak_labels:LexiconEmotion", "ml"),
    "emotion.stacked.v1": Registration(f"{_ANALYSES}.emotion.stacked:StackedEmotion", "ml"),
    "offensive.hatesonar.v1": Registration(f"{_ANALYSES}.offensive.hatesonar:HateSonarOffensive", "ml"),
    # Behaviour, accounts, engagement.
    "ctr.dcnv2.v1": Registration(f"{_ANALYSES}.ctr.models:DCNv2Ctr", "ml", ("slow",)),
    "ctr.deepfm.v1": Registration(f"{_ANALYSES}.ctr.models:DeepFMCtr", "ml"),
    "ctr.din.v1": Registration(f"{_ANALYSES}.ctr.models:DINCtr", "ml"),
    "ctr.logistic.v1": Registration(f"{_ANALYSES}.ctr.models:LogisticCtr", "ml"),
    "engagement.gbdt.v1": Registration(f"{_ANALYSES}.engagement.model:EngagementRegressor", "ml"),
    "segments.kmeans_segments.v1": Registration(f"{_ANALYSES}.segments.cluster:KMeansSegments", "ml"),
    "sequence.next_item.v1": Registration(f"{_ANALYSES}.sequence.recommender:NextItemRecommender", "ml"),
    "suspicious.behaviour_score.v1": Registration(f"{_ANALYSES}.suspicious.score:BehaviourScore", "ml"),
    "suspicious.bot_classifier.v1": Registration(f"{_ANALYSES}.suspicious.score:BotClassifier", "ml"),
    # Images: tagging, text in images, duplicate and visual clusters, NSFW score.
    "images.efficientnet_lite0.v1": Registration(f"{_ANALYSES}.images.tagger:ImageTagger", "images"),
    "images.nudenet.v1": Registration(f"{_ANALYSES}.images.nsfw:NsfwScorer", "images"),
    "images.phash_clusters.v1": Registration(f"{_ANALYSES}.images.clusters:DuplicateClusters", "images"),
    "images.rapidocr.v1": Registration(f"{_ANALYSES}.images.ocr:TextReader", "images", ("slow",)),
    "images.visual_kmeans.v1": Registration(f"{_ANALYSES}.images.clusters:VisualClusters", "images"),
    # Topics: embedders, reducers, clusterers, representations and the model that joins them.
    "topics.auto_kmeans.v1": Registration(f"{_ANALYSES}.topics.clusterers:AutoKMeansClusterer", "topics"),
    "topics.ctfidf.v1": Registration(f"{_ANALYSES}.topics.representation:CTfidf", "topics"),
    "topics.coherent_ctfidf.v1": Registration(f"{_ANALYSES}.topics.representation:CoherentCTfidf", "topics"),
    "topics.distinct_ctfidf.v1": Registration(f"{_ANALYSES}.topics.representation:DistinctCTfidf", "topics"),
    "topics.e5.v1": Registration(f"{_ANALYSES}.topics.embedders:E5Embedder", "topics"),
    "topics.hdbscan.v1": Registration(f"{_ANALYSES}.topics.clusterers:HDBSCANClusterer", "topics"),
    "topics.kmeans.v1": Registration(f"{_ANALYSES}.topics.clusterers:KMeansClusterer", "topics"),
    "topics.minilm.v1": Registration(f"{_ANALYSES}.topics.embedders:MiniLMEmbedder", "topics"),
    "topics.pca.v1": Registration(f"{_ANALYSES}.topics.reducers:PCAReducer", "topics"),
    "topics.umap.v1": Registration(f"{_ANALYSES}.topics.reducers:UMAPReducer", "topics", ("slow",)),
    "topics.tfidf_svd.v1": Registration(f"{_ANALYSES}.topics.embedders:TfidfSvdEmbedder", "topics"),
    "topics.topics.v1": Registration(f"{_ANALYSES}.topics.model:Topics", "topics"),
    "topics.wordllama.v1": Registration(f"{_ANALYSES}.topics.embedders:WordLlamaEmbedder", "topics"),
}

#: Other names that stand for a registered one. A family's short names, typed where the family is
#: known (``socialens train sentiment --model tfidf``; ``registry.resolve("tfidf", "sentiment")``),
#: and the names published before every name was lower snake case: stored model cards and
#: configurations written then still name them.
ALIASES: dict[str, str] = {
    "sentiment.tfidf": "sentiment.tfidf_lr.v1",
    "sentiment.vader": "sentiment.vader.v1",
    "sentiment.lexicon": "sentiment.hownet_lexicon.v1",
    "sentiment.bigru": "sentiment.bigru_attention.v1",
    "sentiment.minilm": "sentiment.minilm_finetuned.v1",
    "sentiment.e5": "sentiment.e5_head.v1",
    "sentiment.e5-finetuned": "sentiment.e5_finetuned.v1",
    "emotion.bigru": "emotion.bigru.v1",
    "ctr.din": "ctr.din.v1",
    "ctr.deepfm": "ctr.deepfm.v1",
    "ctr.dcnv2": "ctr.dcnv2.v1",
    "ctr.logistic": "ctr.logistic.v1",
    "topics.wordllama": "topics.wordllama.v1",
    "topics.minilm": "topics.minilm.v1",
    "topics.e5": "topics.e5.v1",
    "topics.tfidf": "topics.tfidf_svd.v1",
    "alerts.NegativeSurge.v1": "alerts.negative_surge.v1",
    "alerts.NewTopic.v1": "alerts.new_topic.v1",
    "alerts.TermBurst.v1": "alerts.term_burst.v1",
    "alerts.VolumeSpike.v1": "alerts.volume_spike.v1",
    "trends.Kleinberg.v1": "trends.kleinberg.v1",
    "trends.SeasonalRate.v1": "trends.seasonal_rate.v1",
    "influence.InfluenceRanker.v1": "influence.influence_ranker.v1",
    "communities.Leiden.v1": "communities.leiden.v1",
    "communities.Louvain.v1": "communities.louvain.v1",
    "models.Node2Vec.v1": "models.node2vec.v1",
    "emotion.BiGRU.v1": "emotion.bigru.v1",
    "emotion.Lexicon.v1": "emotion.lexicon.v1",
    "emotion.Stacked.v1": "emotion.stacked.v1",  # the shipped emotion models' cards (models/)
    "segments.KMeansSegments.v1": "segments.kmeans_segments.v1",
    "sequence.NextItem.v1": "sequence.next_item.v1",
    "suspicious.BehaviourScore.v1": "suspicious.behaviour_score.v1",
    "suspicious.BotClassifier.v1": "suspicious.bot_classifier.v1",
    "images.EfficientNetLite0.v1": "images.efficientnet_lite0.v1",
    "images.NudeNet.v1": "images.nudenet.v1",
    "images.PHashClusters.v1": "images.phash_clusters.v1",
    "images.RapidOCR.v1": "images.rapidocr.v1",
    "images.VisualKMeans.v1": "images.visual_kmeans.v1",
    "topics.AutoKMeans.v1": "topics.auto_kmeans.v1",
    "topics.CTfidf.v1": "topics.ctfidf.v1",
    "topics.CoherentCTfidf.v1": "topics.coherent_ctfidf.v1",
    "topics.DistinctCTfidf.v1": "topics.distinct_ctfidf.v1",
    "topics.E5.v1": "topics.e5.v1",
    "topics.HDBSCAN.v1": "topics.hdbscan.v1",
    "topics.KMeans.v1": "topics.kmeans.v1",
    "topics.MiniLM.v1": "topics.minilm.v1",
    "topics.PCA.v1": "topics.pca.v1",
    "topics.TfidfSVD.v1": "topics.tfidf_svd.v1",
    "topics.Topics.v1": "topics.topics.v1",
    "topics.WordLlama.v1": "topics.wordllama.v1",
}
