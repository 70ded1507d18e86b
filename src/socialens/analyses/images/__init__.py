"""Images, video key frames and multimodal posts: labels, features, text in pictures, groups, classifiers.

Components: :mod:`tagger` (EfficientNet-lite0 features + ImageNet labels), :mod:`ocr` (RapidOCR),
:mod:`nsfw` (NudeNet), :mod:`clusters` (pHash groups, visual k-means); ``analyze.py`` runs them
over the store, ``train.py`` trains classifiers (Fashion-MNIST, a user's labelled folders).
"""
