/*
** tribm25: SQLite FTS5's bm25 ranking with a bounded cost for common phrases.
**
** FTS5's own bm25() counts every row holding each phrase of the query (for its IDF) before it scores the first
** match: a word in 40% of a million chunks costs ~10 ms of CPU before anything is ranked, whatever LIMIT the query
** has. tribm25() scores exactly as bm25() does (k1 = 1.2, b = 0.75, column weights, the same IDF floor), but stops
** counting a phrase after SAMPLE_HITS rows: a phrase in more rows gets its count estimated from where its
** SAMPLE_HITS-th row lies in the table's rowid range (rowids grow with ingestion, so the share of the range its
** first rows span is the share of the table they stand for). A phrase in at most SAMPLE_HITS rows is counted exactly,
** so its score equals bm25()'s to the last bit.
**
**   tribm25(fts_table, min_rowid, max_rowid, weight_col0, weight_col1, ...)
**
** min_rowid / max_rowid: the table's lowest and highest rowid (constant subqueries, evaluated once per statement);
** NULL counts every row as bm25() does. The weights are bm25()'s.
**
**   tribm25(fts_table, 'one', cap, weight_col0, ...)   the score, exactly bm25()'s
**   tribm25(fts_table, 'rows', cap)                      the query's matching rows
**
** The one-phrase form, for a query of one phrase in at most `cap` rows: every row holding the phrase is counted (the
** IDF), and that count is the number of rows the query matches, so a statement can read its exact total from the
** ranking's own count instead of walking the index a second time. Both calls of a row share the count (FTS5 keeps one
** auxiliary-data slot per function and cursor). A query of more phrases, or one in more than `cap` rows, fails the
** statement at its first row with an error starting "tribm25: not one phrase" or "tribm25: more than" (the counting
** stops at cap + 1 rows): the caller then takes another path, having paid for at most cap + 1 rows.
**
** The scoring code follows fts5_aux.c of SQLite (public domain); the estimate is ours.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include <math.h>
#include <string.h>

#define SAMPLE_HITS 2000

typedef struct Bm25Data {
  int nPhrase;
  sqlite3_int64 nRows; /* rows holding phrase 0 (one-phrase form) */
  int over;            /* one-phrase form: 1 more phrases, 2 more rows than the cap */
  int oneForm;         /* built by a one-phrase form: every call of the query must be one */
  double avgdl;
  double *aIDF;
  double *aFreq;
} Bm25Data;

typedef struct PhraseCount {
  sqlite3_int64 nHit;    /* rows seen so far */
  sqlite3_int64 limit;   /* stop after this many (0: never) */
  sqlite3_int64 lastRowid;
  int stopped;
} PhraseCount;

static int countCb(const Fts5ExtensionApi *pApi, Fts5Context *pFts, void *pUser) {
  PhraseCount *c = (PhraseCount *)pUser;
  c->nHit++;
  if (c->limit > 0 && c->nHit >= c->limit) {
    c->lastRowid = pApi->xRowid(pFts);
    c->stopped = 1;
    return SQLITE_DONE; /* xQueryPhrase then returns SQLITE_OK */
  }
  return SQLITE_OK;
}

/* The rows holding phrase i: exact up to SAMPLE_HITS, estimated beyond (see the header). */
static int phraseRows(const Fts5ExtensionApi *pApi, Fts5Context *pFts, int i, int bounded, sqlite3_int64 lo,
                      sqlite3_int64 hi, sqlite3_int64 nRow, double *pOut) {
  PhraseCount c;
  int rc;
  memset(&c, 0, sizeof(c));
  if (bounded < 0) {
    /* One-phrase form: exact, up to the cap (-bounded) and one more. */
    c.limit = -(sqlite3_int64)bounded + 1;
    rc = pApi->xQueryPhrase(pFts, i, (void *)&c, countCb);
    *pOut = (double)c.nHit;
    return rc;
  }
  /* One more than SAMPLE_HITS: a phrase of exactly SAMPLE_HITS rows is still counted exactly. */
  c.limit = bounded ? SAMPLE_HITS + 1 : 0;
  rc = pApi->xQueryPhrase(pFts, i, (void *)&c, countCb);
  if (rc != SQLITE_OK) return rc;
  if (!c.stopped || c.lastRowid < lo || hi < c.lastRowid) {
    /* Counted to the end, or bounds that do not hold this table's rows (stale): keep the count as seen. */
    if (c.stopped) {
      c.limit = 0;
      c.nHit = 0;
      c.stopped = 0;
      rc = pApi->xQueryPhrase(pFts, i, (void *)&c, countCb);
    }
    *pOut = (double)c.nHit;
    return rc;
  }
  {
    /* xQueryPhrase walks rowids upwards: the first nHit rows lie in [lo, lastRowid]. */
    double share = (double)(c.lastRowid - lo + 1) / (double)(hi - lo + 1);
    double est = (double)c.nHit / share;
    if (est > (double)nRow) est = (double)nRow;
    if (est < (double)c.nHit) est = (double)c.nHit;
    *pOut = est;
  }
  return SQLITE_OK;
}

/* bounded: 1 estimate beyond SAMPLE_HITS rows, 0 count every row, -cap the one-phrase form (see the header). */
static int bm25Data(const Fts5ExtensionApi *pApi, Fts5Context *pFts, int bounded, sqlite3_int64 lo,
                    sqlite3_int64 hi, Bm25Data **ppData) {
  int rc = SQLITE_OK;
  Bm25Data *p = (Bm25Data *)pApi->xGetAuxdata(pFts, 0);
  if (p == 0) {
    int nPhrase = pApi->xPhraseCount(pFts);
    sqlite3_int64 nRow = 0, nToken = 0;
    int i;
    p = (Bm25Data *)sqlite3_malloc64(sizeof(Bm25Data) + (sqlite3_int64)nPhrase * 2 * sizeof(double));
    if (p == 0) return SQLITE_NOMEM;
    memset(p, 0, sizeof(Bm25Data) + (size_t)nPhrase * 2 * sizeof(double));
    p->nPhrase = nPhrase;
    p->aIDF = (double *)&p[1];
    p->aFreq = &p->aIDF[nPhrase];
    rc = pApi->xRowCount(pFts, &nRow);
    if (rc == SQLITE_OK) rc = pApi->xColumnTotalSize(pFts, -1, &nToken);
    if (rc == SQLITE_OK) p->avgdl = (double)nToken / (double)nRow;
    if (bounded < 0 && nPhrase != 1) p->over = 1;
    for (i = 0; rc == SQLITE_OK && !p->over && i < nPhrase; i++) {
      double nHit = 0;
      rc = phraseRows(pApi, pFts, i, bounded, lo, hi, nRow, &nHit);
      if (rc == SQLITE_OK && bounded < 0) {
        p->nRows = (sqlite3_int64)nHit;
        if (p->nRows > -(sqlite3_int64)bounded) p->over = 2;
      }
      if (rc == SQLITE_OK) {
        /* bm25()'s IDF and its floor: a phrase in over half the rows would otherwise score negative. */
        double idf = log(((double)nRow - nHit + 0.5) / (nHit + 0.5));
        if (idf <= 0.0) idf = 1e-6;
        p->aIDF[i] = idf;
      }
    }
    if (rc != SQLITE_OK) {
      sqlite3_free(p);
      return rc;
    }
    rc = pApi->xSetAuxdata(pFts, p, sqlite3_free);
    if (rc != SQLITE_OK) return rc;
  }
  *ppData = p;
  return rc;
}

static void tribm25(const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *pCtx, int nVal,
                    sqlite3_value **apVal) {
  const double k1 = 1.2, b = 0.75;
  Bm25Data *pData = 0;
  double score = 0.0, D = 0.0;
  int nInst = 0, i, rc;
  /* The one-phrase forms ('one', 'rows') take text first; the others a rowid or NULL. */
  int oneForm = nVal >= 2 && sqlite3_value_type(apVal[0]) == SQLITE_TEXT;
  int nWeight = nVal > 2 ? nVal - 2 : 0;

  /* The arguments are read once per query, when its shared data is built: the rest of its rows reuse it. */
  pData = (Bm25Data *)pApi->xGetAuxdata(pFts, 0);
  if (pData == 0) {
    int bounded = nVal >= 2 && sqlite3_value_type(apVal[0]) == SQLITE_INTEGER &&
                  sqlite3_value_type(apVal[1]) == SQLITE_INTEGER;
    sqlite3_int64 lo = bounded ? sqlite3_value_int64(apVal[0]) : 0;
    sqlite3_int64 hi = bounded ? sqlite3_value_int64(apVal[1]) : 0;
    if (bounded && hi < lo) bounded = 0;
    if (oneForm) {
      const char *form = (const char *)sqlite3_value_text(apVal[0]);
      /* A JavaScript number arrives as a REAL: any whole number is taken. */
      int t = sqlite3_value_numeric_type(apVal[1]);
      sqlite3_int64 cap = sqlite3_value_int64(apVal[1]);
      if (form == 0 || (strcmp(form, "one") != 0 && strcmp(form, "rows") != 0)) {
        sqlite3_result_error(pCtx, "tribm25: unknown form (expected 'one' or 'rows')", -1);
        return;
      }
      if ((t != SQLITE_INTEGER && t != SQLITE_FLOAT) || sqlite3_value_double(apVal[1]) != (double)cap || cap < 1 ||
          cap > 0x7fffffff) {
        sqlite3_result_error(pCtx, "tribm25: the one-phrase form needs a cap from 1 to 2^31-1", -1);
        return;
      }
      bounded = -(int)cap;
    }
    rc = bm25Data(pApi, pFts, bounded, lo, hi, &pData);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(pCtx, rc);
      return;
    }
    pData->oneForm = oneForm;
  }
  if (pData->oneForm != oneForm) {
    sqlite3_result_error(pCtx, "tribm25: the one-phrase and the other forms mixed in one query", -1);
    return;
  }
  if (oneForm && pData->over) {
    sqlite3_result_error(pCtx, pData->over == 1 ? "tribm25: not one phrase" : "tribm25: more than the cap", -1);
    return;
  }
  if (oneForm && sqlite3_value_text(apVal[0])[0] == 'r') {
    sqlite3_result_int64(pCtx, pData->nRows);
    return;
  }
  rc = SQLITE_OK;
  if (rc == SQLITE_OK) {
    memset(pData->aFreq, 0, sizeof(double) * pData->nPhrase);
    rc = pApi->xInstCount(pFts, &nInst);
  }
  for (i = 0; rc == SQLITE_OK && i < nInst; i++) {
    int ip, ic, io;
    rc = pApi->xInst(pFts, i, &ip, &ic, &io);
    if (rc == SQLITE_OK) pData->aFreq[ip] += nWeight > ic ? sqlite3_value_double(apVal[2 + ic]) : 1.0;
  }
  if (rc == SQLITE_OK) {
    int nTok = 0;
    rc = pApi->xColumnSize(pFts, -1, &nTok);
    D = (double)nTok;
  }
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(pCtx, rc);
    return;
  }
  for (i = 0; i < pData->nPhrase; i++) {
    double f = pData->aFreq[i];
    score += pData->aIDF[i] * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * D / pData->avgdl)));
  }
  sqlite3_result_double(pCtx, -1.0 * score);
}

static fts5_api *fts5Api(sqlite3 *db) {
  fts5_api *pRet = 0;
  sqlite3_stmt *pStmt = 0;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &pStmt, 0) == SQLITE_OK) {
    sqlite3_bind_pointer(pStmt, 1, (void *)&pRet, "fts5_api_ptr", 0);
    sqlite3_step(pStmt);
  }
  sqlite3_finalize(pStmt);
  return pRet;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_tribm25_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  fts5_api *api;
  SQLITE_EXTENSION_INIT2(pApi);
  api = fts5Api(db);
  if (api == 0 || api->iVersion < 2) {
    *pzErrMsg = sqlite3_mprintf("tribm25 needs FTS5 (fts5_api version 2 or later)");
    return SQLITE_ERROR;
  }
  return api->xCreateFunction(api, "tribm25", 0, tribm25, 0);
}
