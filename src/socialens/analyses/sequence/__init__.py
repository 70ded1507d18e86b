"""Next-item and next-action models over each user's time-ordered interactions (GRU4Rec, LSTM, SASRec)."""
