/** The review corpus (test/fixtures/review), shard 1 of 2: realistic changes reviewed end to end. */
import { describe } from 'node:test';
import { corpusShard } from '../helpers/review-corpus';

describe('review corpus, shard 1 of 2', () => corpusShard(0, 2));
