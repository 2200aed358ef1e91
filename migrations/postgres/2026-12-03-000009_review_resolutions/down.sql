DROP TABLE review_resolutions;
