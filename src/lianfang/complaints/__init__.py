"""The complaint box (举报箱): filing, receipts, encrypted filer identity, the supervising office queue."""
