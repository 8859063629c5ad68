"""Speed measurements of ics-sim, and the Mesa + networkx reference they compare against."""
