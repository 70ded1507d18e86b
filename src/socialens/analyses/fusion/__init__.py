"""Late fusion of a post's text and picture (``socialens train fusion``; applied by ``analyze images``)."""
