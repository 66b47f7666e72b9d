package io.mailseal.certs;

import com.unboundid.ldap.sdk.AsyncRequestID;
import com.unboundid.ldap.sdk.AsyncSearchResultListener;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPResult;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchResultReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One LDAP search within a total deadline. UnboundID's response timeout applies to each response
 * message of a synchronous search, so a directory sending one entry just within it, up to the size
 * limit, could hold a lookup twenty times as long; an asynchronous search is timed once, from the
 * request to the result, and abandoned when the deadline passes. A pooled connection found broken
 * (the directory restarted) is replaced and the search tried once more, within the same deadline,
 * as the pool's own retry did.
 */
final class LdapSearch {
    private final LDAPConnectionPool pool;
    private final Duration timeout;

    LdapSearch(LDAPConnectionPool pool, Duration timeout) {
        this.pool = pool;
        this.timeout = timeout;
    }

    /** The entries {@code request} finds (its own listener is replaced), or why none. */
    List<SearchResultEntry> entries(SearchRequest request)
            throws LDAPException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        for (int attempt = 1; ; attempt++) {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0) {
                throw timedOut();
            }
            LDAPConnection connection = pool.getConnection();
            try {
                List<SearchResultEntry> found = on(connection, request, left);
                pool.releaseConnection(connection);
                return found;
            } catch (LDAPException e) {
                boolean usable = ResultCode.isConnectionUsable(e.getResultCode());
                if (usable) {
                    pool.releaseConnection(connection);
                } else {
                    pool.releaseDefunctConnection(connection);
                }
                if (usable || attempt == 2 || e.getResultCode() == ResultCode.TIMEOUT) {
                    throw e;
                }
            } catch (InterruptedException | RuntimeException e) {
                pool.releaseDefunctConnection(connection);
                throw e;
            }
        }
    }

    private List<SearchResultEntry> on(
            LDAPConnection connection, SearchRequest request, long millis)
            throws LDAPException, InterruptedException {
        Entries entries = new Entries();
        SearchRequest timed =
                new SearchRequest(
                        entries,
                        request.getBaseDN(),
                        request.getScope(),
                        request.getDereferencePolicy(),
                        request.getSizeLimit(),
                        request.getTimeLimitSeconds(),
                        false,
                        request.getFilter(),
                        request.getAttributes());
        timed.setResponseTimeoutMillis(millis); // one timer for the whole asynchronous search
        AsyncRequestID id = connection.asyncSearch(timed);
        LDAPResult result;
        try {
            result = id.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connection.abandon(id);
            throw timedOut();
        }
        if (result.getResultCode() == ResultCode.TIMEOUT) {
            connection.abandon(id);
            throw timedOut();
        }
        if (result.getResultCode() != ResultCode.SUCCESS) {
            throw new LDAPException(result);
        }
        return List.copyOf(entries.found);
    }

    private LDAPException timedOut() {
        return new LDAPException(
                ResultCode.TIMEOUT,
                "no complete answer within " + timeout.toMillis() + " ms (the lookup's deadline)");
    }

    /** Collects the entries of one asynchronous search; its result comes through the request ID. */
    private static final class Entries implements AsyncSearchResultListener {
        private static final long serialVersionUID = 1L;
        final List<SearchResultEntry> found = new CopyOnWriteArrayList<>();

        @Override
        public void searchEntryReturned(SearchResultEntry entry) {
            found.add(entry);
        }

        @Override
        public void searchReferenceReturned(SearchResultReference reference) {
            // referrals are not followed: the configured directory answers or it does not
        }

        @Override
        public void searchResultReceived(AsyncRequestID id, SearchResult result) {
            // read from the request ID's future
        }
    }
}
