DROP TABLE item_features;
