import NetViz
