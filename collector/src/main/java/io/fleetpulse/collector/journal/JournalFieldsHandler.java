package io.fleetpulse.collector.journal;

/** Receives each entry a streaming parser has completed; may refuse it. */
@FunctionalInterface
public interface JournalFieldsHandler {

  void entry(JournalFields fields) throws MalformedEntryException;
}
